import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv } from '../support/isolated.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../../../shared/contract/examples/', import.meta.url));
const CHECKER = fileURLToPath(new URL('../../../shared/contract/check-export.py', import.meta.url));
const env = { ...process.env, ...isolatedEnv('examples') };
const work = mkdtempSync(join(tmpdir(), 'vbc-e2e-'));

function vbc(...args: string[]) {
  const r = spawnSync('node', [join(ROOT, 'bin/vbc.mjs'), ...args], { env, cwd: ROOT, encoding: 'utf8', timeout: 170_000 });
  if (r.status !== 0) throw new Error(`vbc ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** The contract's procedure: reset, replay, reconcile when asOf is set, export, check. */
function runScenario(scenarioFile: string, expectedFile: string): string {
  const expected = JSON.parse(readFileSync(expectedFile, 'utf8')) as { asOf: string | null };
  vbc('reset');
  vbc('replay', scenarioFile);
  if (expected.asOf) vbc('reconcile', '--as-of', expected.asOf);
  const actual = join(work, 'actual.json');
  writeFileSync(actual, vbc('export'));
  const check = spawnSync('python3', [CHECKER, expectedFile, actual], { encoding: 'utf8' });
  return `${check.stdout}${check.stderr}`.trim();
}

/** The same lines regrouped by topic, the order inside each topic kept. */
function regrouped(name: string, firstTopics: string[]): string {
  const lines = readFileSync(join(EXAMPLES, `${name}.ndjson`), 'utf8').split('\n').filter((l) => l.trim());
  const rank = (l: string) => {
    const i = firstTopics.indexOf(JSON.parse(l).topic as string);
    return i === -1 ? firstTopics.length : i;
  };
  const file = join(work, `${name}-${firstTopics.join('-')}.ndjson`);
  writeFileSync(file, `${[...lines].sort((a, b) => rank(a) - rank(b)).join('\n')}\n`);
  return file;
}

let services: ChildProcess;
const servicesLog = join(work, 'services.log');

describe('contract examples through npx vbc (reset, replay, reconcile, export, check-export.py)', () => {
  beforeAll(async () => {
    // Logs to a file: an unread pipe would fill up and block the services' synchronous logger.
    const log = openSync(servicesLog, 'w');
    services = spawn('node', [join(ROOT, 'bin/vbc.mjs'), 'run', 'all'], { env, cwd: ROOT, stdio: ['ignore', 'ignore', log] });
    closeSync(log);
    // Ready when `vbc status` says every service is running and caught up.
    const deadline = Date.now() + 150_000;
    while (Date.now() < deadline) {
      if (services.exitCode !== null) break;
      const s = spawnSync('node', [join(ROOT, 'bin/vbc.mjs'), 'status'], { env, cwd: ROOT, encoding: 'utf8' });
      if (s.status === 0) return;
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error(`services did not start; their log ends:\n${readFileSync(servicesLog, 'utf8').slice(-3000)}`);
  });

  afterAll(async () => {
    if (services.exitCode !== null || services.signalCode !== null) return;
    const exited = new Promise((r) => services.once('exit', r));
    services.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    services.kill('SIGKILL');
  });

  for (const name of ['readmissions-and-aco-totals', 'episode-and-reconciliation']) {
    it(`${name} matches its expected export`, () => {
      expect(runScenario(join(EXAMPLES, `${name}.ndjson`), join(EXAMPLES, `${name}.expected.json`))).toBe('export matches');
    });
  }

  it.each([
    ['readmissions-and-aco-totals', ['discharges']],
    ['readmissions-and-aco-totals', ['admissions']],
    ['episode-and-reconciliation', ['claims']],
    ['episode-and-reconciliation', ['discharges']],
  ])('%s regrouped with %s first gives the same export', (name, first) => {
    expect(runScenario(regrouped(name, first), join(EXAMPLES, `${name}.expected.json`))).toBe('export matches');
  });

  it('replaying the same file twice changes nothing (idempotence)', () => {
    const name = 'readmissions-and-aco-totals';
    vbc('reset');
    vbc('replay', join(EXAMPLES, `${name}.ndjson`));
    const first = vbc('export');
    vbc('replay', join(EXAMPLES, `${name}.ndjson`));
    expect(JSON.parse(vbc('export'))).toEqual(JSON.parse(first));
  });

  it('bad lines are reported with their line number and the rest is processed', () => {
    const file = join(work, 'bad.ndjson');
    writeFileSync(file, [
      '{"topic": "claims", "value": {"claimId": "B1", "claimControlNumber": "N", "adjustmentType": "ORIGINAL", "mbi": "1CC0CC0CC01", "claimType": "PROFESSIONAL", "fromDate": "2026-02-01", "thruDate": "2026-02-01", "paidAmountCents": 100}}',
      'not json',
      '{"topic": "claims", "value": {"claimId": "B2", "claimControlNumber": "N", "adjustmentType": "ORIGINAL", "mbi": "1CC0CC0CC01", "claimType": "PROFESSIONAL", "fromDate": "2026-02-05", "thruDate": "2026-02-01", "paidAmountCents": 100}}',
      '{"topic": "attribution", "value": {"mbi": "1CC0CC0CC01", "acoId": "A7", "effectiveFrom": "2026-01-01"}}',
    ].join('\n'));
    vbc('reset');
    const r = spawnSync('node', [join(ROOT, 'bin/vbc.mjs'), 'replay', file], { env, cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`${file}:2: not valid JSON`);
    expect(r.stderr).toContain(`${file}:3: thruDate is before fromDate`);
    expect(JSON.parse(vbc('export')).acos).toMatchObject([{ acoId: 'A7', expenditureCents: 100, claimRecords: 1 }]);
  });
});
