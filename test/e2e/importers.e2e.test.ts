import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv } from '../support/isolated.ts';
import type { ServiceProcess } from '../support/service-process.ts';
import { runVbc, startAllServices, vbc as runIn } from '../support/vbc-cli.ts';

const env = isolatedEnv('import');
const work = mkdtempSync(join(tmpdir(), 'vbc-import-'));
const vbc = (...args: string[]) => runIn(env, ...args);

/** A Tuva medical_claim file: two beneficiaries of one ACO, a third unattributed; a stay, an outpatient knee, visits, a bad line. */
const CSV = [
  'claim_id,claim_line_number,claim_type,person_id,member_id,patient_id,claim_start_date,claim_end_date,admission_date,discharge_date,bill_type_code,ms_drg_code,hcpcs_code,facility_npi,billing_npi,paid_amount,extra_column',
  'IP1,1,institutional,,1TV0TV0TV01,,2026-03-02,2026-03-05,2026-03-02,2026-03-05,0111,470,,F1,,14000.00,x',
  'IP1,2,institutional,,1TV0TV0TV01,,2026-03-02,2026-03-05,,,0111,,,F1,,14000.00,x',
  'PR1,1,professional,,1TV0TV0TV01,,2026-03-10,2026-03-10,,,,,99214,,1234567893,150.25,',
  'PR1,2,professional,,1TV0TV0TV01,,2026-03-10,2026-03-10,,,,,36415,,,9.75,',
  'OP1,1,institutional,,1TV0TV0TV02,,2026-05-12,2026-05-12,,,0131,,27447,F2,,9000.00,',
  'OP1,2,institutional,,1TV0TV0TV02,,2026-05-12,2026-05-12,,,0131,,J1885,F2,,2000.00,',
  'CX1,1,professional,,1TV0TV0TV02,,2026-06-01,2026-06-01,,,,,99213,,,-40.00,',
  'DM1,1,dme,,1TV0TV0TV03,,2026-04-01,2026-04-30,,,,,E0601,,,310.00,',
  'BAD,1,professional,,1TV0TV0TV02,,2026-07-01,2026-07-01,,,,,99213,,,12,5.00,',
  'BAD,2,professional,,1TV0TV0TV02,,2026-07-01,2026-07-01,,,,,99213,,,twelve,',
].join('\n');
// Worked by hand, in cents, from the lines above: the stay's repeated header amount counts once
// (1,400,000); the visit's lines add (15,025 + 975); the outpatient lines add (900,000 + 200,000);
// the negative claim is a cancellation of 4,000; the DME claim's beneficiary is not attributed.
const ACO_2026 = 1_400_000 + 16_000 + 1_100_000 - 4_000;

let services: ServiceProcess;

describe('vbc import tuva-claims: the Tuva input layer through the services (contract 5.2)', () => {
  beforeAll(async () => {
    services = await startAllServices(env, join(work, 'services.log'));
    const reference = join(work, 'reference.ndjson');
    writeFileSync(
      reference,
      [
        {
          topic: 'attribution',
          value: { mbi: '1TV0TV0TV01', acoId: 'ATV', effectiveFrom: '2026-01-01', effectiveTo: null },
        },
        {
          topic: 'attribution',
          value: { mbi: '1TV0TV0TV02', acoId: 'ATV', effectiveFrom: '2026-01-01', effectiveTo: null },
        },
        {
          topic: 'episode-prices',
          value: { program: 'TEAM', episodeCategory: 'LEJR', facilityId: '*', targetPriceCents: 2_500_000 },
        },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n'),
    );
    vbc('replay', reference);
  });
  afterAll(async () => {
    await services?.stop('SIGTERM');
  });

  it('imports every good claim, reports the bad one with its line, and the totals equal the sum worked by hand', () => {
    const file = join(work, 'medical_claim.csv');
    writeFileSync(file, CSV);
    const report = join(work, 'report.txt');
    const r = runVbc(env, 'import', 'tuva-claims', file, '--report', report);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('imported 5 claim records');
    expect(readFileSync(report, 'utf8').trim().split('\n')).toEqual([
      `${file}:11: claim BAD: paid_amount 'twelve' is not a number`,
    ]);
    const state = JSON.parse(vbc('export'));
    expect(state.acos).toMatchObject([
      { acoId: 'ATV', performanceYear: 2026, expenditureCents: ACO_2026, claimRecords: 4 },
    ]);
    // The inpatient stay (DRG 470, 2026) and the outpatient knee replacement (27447) open TEAM LEJR episodes.
    expect(
      state.episodes
        .map((e: Record<string, unknown>) => [e.mbi, e.program, e.category, e.anchorAdmitDate, e.windowEnd])
        .sort(),
    ).toEqual([
      ['1TV0TV0TV01', 'TEAM', 'LEJR', '2026-03-02', '2026-04-03'],
      ['1TV0TV0TV02', 'TEAM', 'LEJR', '2026-05-12', '2026-06-10'],
    ]);
    expect(vbc('dlq', 'list', 'claims')).toContain(`${file}:11`);
  });

  it('importing the same file again changes nothing', () => {
    const before = vbc('export');
    const file = join(work, 'medical_claim.csv');
    expect(runVbc(env, 'import', 'tuva-claims', file, '--report', join(work, 'again.txt')).status).toBe(0);
    expect(JSON.parse(vbc('export'))).toEqual(JSON.parse(before));
  });

  it('a file that is not the layout, or CCLF (not supported yet), is refused with one line', () => {
    const notTuva = join(work, 'other.csv');
    writeFileSync(notTuva, 'a,b\n1,2\n');
    const r = runVbc(env, 'import', 'tuva-claims', notTuva);
    expect([r.status, r.stderr.trim()]).toEqual([
      1,
      `vbc import: ${notTuva} has no claim_id column: not the Tuva medical_claim layout`,
    ]);
    expect(runVbc(env, 'import', 'cclf', work).status).toBe(1);
  });
});
