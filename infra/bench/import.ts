// `npm run bench:import`: a CCLF5 file of 1,000,000 lines (BENCH_IMPORT_LINES) for 100,000 attributed
// beneficiaries, imported through `vbc import cclf` while the claims service runs: time, records a
// second, the importer's peak RSS, and the claims service's RSS before and after. A script, not a
// test. Prints a table and, last, one JSON line.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../shared/config/config.ts';
import { openContext } from '../../shared/service/context.ts';
import { exportState } from '../../services/cli/state-export.ts';
import { cclfLine } from '../../test/support/cclf-writer.ts';
import { ServiceProcess, waitUntil } from '../../test/support/service-process.ts';
import { vbcCommand } from '../../test/support/vbc-command.ts';
import { peakRssMb } from './measure.ts';

const LINES = Number(process.env.BENCH_IMPORT_LINES ?? 1_000_000);
const BENEFICIARIES = Number(process.env.BENCH_IMPORT_BENEFICIARIES ?? 100_000);
const run = `bi${Date.now().toString(36)}`;
const env = { VBC_TOPIC_PREFIX: `${run}.`, VBC_REDIS_PREFIX: run, LOG_LEVEL: 'warn' };
const work = mkdtempSync(join(tmpdir(), 'vbc-bench-import-'));
const say = (s: string) => process.stderr.write(`bench: ${s}\n`);
/** Resident memory of a process now, from /proc (Linux). */
const rssMb = (pid: number) =>
  Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);

const mbi = (i: number) => `1B${String(i).padStart(9, '0')}`;

async function main() {
  const dir = join(work, 'cclf');
  mkdirSync(dir);
  say(
    `writing a CCLF5 file of ${LINES.toLocaleString('en-US')} lines for ${BENEFICIARIES.toLocaleString('en-US')} beneficiaries`,
  );
  const out = createWriteStream(join(dir, 'CCLF5.txt'));
  let expected = 0;
  for (let i = 0; i < LINES; i++) {
    const cents = 1_000 + (i % 9_000);
    expected += cents;
    const day = String(1 + (i % 28)).padStart(2, '0');
    const month = String(1 + (i % 12)).padStart(2, '0');
    const line = cclfLine('CCLF5', {
      CUR_CLM_UNIQ_ID: String(3_000_000_000_000 + i),
      CLM_LINE_NUM: '0000000001',
      BENE_MBI_ID: mbi(i % BENEFICIARIES),
      CLM_TYPE_CD: '71',
      CLM_FROM_DT: `2026-${month}-${day}`,
      CLM_THRU_DT: `2026-${month}-${day}`,
      CLM_LINE_HCPCS_CD: '99213',
      CLM_LINE_CVRD_PD_AMT: (cents / 100).toFixed(2),
      CLM_CARR_PMT_DNL_CD: '1',
      CLM_ADJSMT_TYPE_CD: '0',
      CLM_CNTL_NUM: `C${i}`,
    });
    if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  const attribution = join(work, 'attribution.ndjson');
  writeFileSync(
    attribution,
    Array.from({ length: BENEFICIARIES }, (_, i) =>
      JSON.stringify({
        topic: 'attribution',
        value: { mbi: mbi(i), acoId: 'AB1', effectiveFrom: '2026-01-01', effectiveTo: null },
      }),
    ).join('\n'),
  );

  const ctx = await openContext('bench-import', loadConfig({ ...process.env, ...env }));
  const service = new ServiceProcess('claims', env, join(work, 'claims.log'));
  try {
    await waitUntil(
      async () =>
        service.exited || (await ctx.admin.listGroups()).groups.some((g) => g.groupId === `${run}.claims-service`),
      'the claims service',
      120_000,
      250,
    );
    const [rc, ra] = vbcCommand(['replay', attribution, '--timeout', '600']);
    await new Promise<void>((resolve, reject) =>
      spawn(rc, ra, { env: { ...process.env, ...env }, stdio: 'ignore' }).on('exit', (c) =>
        c === 0 ? resolve() : reject(new Error(`attribution replay exited ${c}`)),
      ),
    );
    const serviceBefore = rssMb(service.child.pid!);
    say('importing');
    const started = Date.now();
    const [command, args] = vbcCommand(['import', 'cclf', dir, '--timeout', '900']);
    const importer = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
    let importerPeak = 0;
    const sampler = setInterval(() => {
      try {
        importerPeak = Math.max(importerPeak, peakRssMb(importer.pid!));
      } catch {
        // exited between two samples
      }
    }, 100);
    const code = await new Promise<number | null>((resolve) => importer.on('exit', resolve));
    clearInterval(sampler);
    const seconds = (Date.now() - started) / 1000;
    if (code !== 0) throw new Error(`the import exited ${code}`);
    const state = await exportState(ctx.stores);
    const total = state.acos.find((a) => a.acoId === 'AB1');
    const result = {
      lines: LINES,
      seconds: Number(seconds.toFixed(1)),
      recordsPerSec: Math.round(LINES / seconds),
      importerPeakRssMb: importerPeak,
      serviceRssMbBefore: serviceBefore,
      serviceRssMbAfter: rssMb(service.child.pid!),
      servicePeakRssMb: peakRssMb(service.child.pid!),
      totalsVerified: total?.expenditureCents === expected && total?.claimRecords === LINES,
    };
    say(
      `import of ${LINES.toLocaleString('en-US')} lines (to every record processed): ${result.seconds} s, ${result.recordsPerSec.toLocaleString('en-US')} records/s`,
    );
    say(
      `importer peak RSS ${result.importerPeakRssMb} MB; claims service RSS ${result.serviceRssMbBefore} MB before, ${result.serviceRssMbAfter} MB after (peak ${result.servicePeakRssMb} MB); totals verified: ${result.totalsVerified}`,
    );
    console.log(JSON.stringify(result));
  } finally {
    await service.stop('SIGTERM');
    await ctx.stores.deleteAll();
    await ctx.close();
  }
}

await main();
process.exit(0);
