import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv } from '../support/isolated.ts';
import type { ServiceProcess } from '../support/service-process.ts';
import { startAllServices, vbc } from '../support/vbc-cli.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const env = isolatedEnv('pipes');
const work = mkdtempSync(join(tmpdir(), 'vbc-pipes-'));

/** A reader slower than the writer: small reads with a pause between them, copied to a file. */
const SLOW_READER = `import sys, time
out = open(sys.argv[1], 'wb')
while True:
    chunk = sys.stdin.buffer.read(8192)
    if not chunk:
        break
    out.write(chunk)
    time.sleep(0.001)
`;

/** Runs `bin/vbc.mjs ARGS` once into a file and once through a pipe into the slow reader; returns both outputs. */
function throughFileAndPipe(args: string, name: string): { file: Buffer; piped: Buffer; status: number | null } {
  const file = join(work, `${name}.file`);
  const piped = join(work, `${name}.piped`);
  const reader = join(work, 'slow-reader.py');
  spawnSync('bash', ['-c', `cat > ${reader} <<'PY'\n${SLOW_READER}PY`]);
  const run = (cmd: string) =>
    spawnSync('bash', ['-o', 'pipefail', '-c', cmd], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 170_000,
    });
  expect(run(`bin/vbc.mjs ${args} > ${file}`).status).toBe(0);
  const r = run(`bin/vbc.mjs ${args} | python3 ${reader} ${piped}`);
  return { file: readFileSync(file), piped: readFileSync(piped), status: r.status };
}

describe('output of every command reaches a pipe whole, however slow the reader (issue: export cut at 64 KiB)', () => {
  let services: ServiceProcess;
  const feed = join(work, 'feed.ndjson');

  beforeAll(async () => {
    services = await startAllServices(env, join(work, 'services.log'));
    // 12,000 discharges home, each an open transitional-care follow-up in the export: several MB of state quickly.
    const lines: string[] = [];
    for (let i = 0; i < 12_000; i++) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      lines.push(
        JSON.stringify({
          topic: 'discharges',
          value: {
            encounterId: `P${i}`,
            mbi: `1PP${String(i).padStart(8, '0')}`,
            facilityId: 'F1',
            admitDate: `2026-05-${day}`,
            dischargeDate: `2026-06-${day}`,
            disposition: '01',
          },
        }),
      );
    }
    writeFileSync(feed, `${lines.join('\n')}\n`);
    vbc(env, 'replay', feed, '--report', join(work, 'bad.txt'), '--timeout', '170');
  });

  afterAll(async () => {
    await services?.stop('SIGTERM');
  });

  it('vbc export: a multi-megabyte document, byte for byte the same through a slow pipe as into a file, and valid JSON', () => {
    const { file, piped, status } = throughFileAndPipe('export', 'export');
    expect(status).toBe(0);
    expect(file.length).toBeGreaterThan(1_000_000);
    expect(piped.length).toBe(file.length);
    expect(piped.equals(file)).toBe(true);
    const doc = JSON.parse(piped.toString('utf8')) as { alerts: unknown[]; acos: unknown[] };
    expect(doc.alerts).toHaveLength(12_000);
  });

  it('vbc simulate without --out and vbc finance deliver everything through a slow pipe', () => {
    const sim = throughFileAndPipe('simulate --seed 5 --beneficiaries 2000', 'simulate');
    expect(sim.status).toBe(0);
    expect(sim.file.length).toBeGreaterThan(1_000_000);
    expect(sim.piped.equals(sim.file)).toBe(true);
    const finance = throughFileAndPipe('finance', 'finance');
    expect(finance.piped.equals(finance.file)).toBe(true);
    expect(finance.piped.toString()).toContain('MSSP');
    const help = throughFileAndPipe('--help', 'help');
    expect(help.piped.equals(help.file)).toBe(true);
    const dlq = throughFileAndPipe('dlq list claims', 'dlq');
    expect(dlq.piped.equals(dlq.file)).toBe(true);
    // The alert view reads partitions side by side: the same lines, in an order that may differ.
    const alerts = throughFileAndPipe('alerts --today 2026-07-01', 'alerts');
    const sortedLines = (b: Buffer) => b.toString('utf8').split('\n').sort();
    expect(sortedLines(alerts.piped)).toEqual(sortedLines(alerts.file));
    expect(
      alerts.piped
        .toString()
        .split('\n')
        .filter((l) => l.includes('TCM FOLLOW-UP')),
    ).toHaveLength(12_000);
    expect(statSync(feed).size).toBeGreaterThan(0);
  });
});
