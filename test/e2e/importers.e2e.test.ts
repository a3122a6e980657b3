import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cclfLine } from '../support/cclf-writer.ts';
import { WORKED_EXAMPLE_MBI, workedExampleCclf1, workedExampleCclf5 } from '../support/cclf-worked-example.ts';
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

// One set of services for both importers, and the reference data their claims are counted by.
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
        topic: 'attribution',
        value: { mbi: '1CC0CC0CC09', acoId: 'ACC', effectiveFrom: '2026-01-01', effectiveTo: null },
      },
      {
        topic: 'attribution',
        value: { mbi: WORKED_EXAMPLE_MBI, acoId: 'AWX', effectiveFrom: '2012-01-01', effectiveTo: null },
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

describe('vbc import tuva-claims: the Tuva input layer through the services (contract 5.2)', () => {
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

  it('a file that is not the layout is refused with one line', () => {
    const notTuva = join(work, 'other.csv');
    writeFileSync(notTuva, 'a,b\n1,2\n');
    const r = runVbc(env, 'import', 'tuva-claims', notTuva);
    expect([r.status, r.stderr.trim()]).toEqual([
      1,
      `vbc import: ${notTuva} has no claim_id column: not the Tuva medical_claim layout`,
    ]);
  });
});

describe('vbc import cclf: CMS CCLF files through the services (contract 5.3)', () => {
  const dir = join(work, 'cclf');
  const a = (id: string, adjustment: string, amount: string) =>
    cclfLine('CCLF1', {
      CUR_CLM_UNIQ_ID: id,
      PRVDR_OSCAR_NUM: '450001',
      BENE_MBI_ID: '1CC0CC0CC09',
      CLM_TYPE_CD: '40',
      CLM_FROM_DT: '2026-04-02',
      CLM_THRU_DT: '2026-04-02',
      CLM_PMT_AMT: amount,
      CLM_ADJSMT_TYPE_CD: adjustment,
      CLM_EFCTV_DT: '2026-04-20',
    });
  const b = (id: string, control: string, adjustment: string, amount: string, date = '2026-05-06') =>
    cclfLine('CCLF5', {
      CUR_CLM_UNIQ_ID: id,
      CLM_LINE_NUM: '0000000001',
      BENE_MBI_ID: '1OLD0OLD001',
      CLM_TYPE_CD: '71',
      CLM_FROM_DT: date,
      CLM_THRU_DT: date,
      CLM_LINE_HCPCS_CD: '99213',
      CLM_LINE_CVRD_PD_AMT: amount,
      CLM_CARR_PMT_DNL_CD: '1',
      CLM_ADJSMT_TYPE_CD: adjustment,
      CLM_CNTL_NUM: control,
    });

  it('a month of files: Part A $260 and Part B $707 net of cancellations and adjustments, $967 for the ACO; old MBIs crosswalked', () => {
    mkdirSync(dir, { recursive: true });
    // Part A: an original of $300, its cancellation and an adjustment to $260 (one related-claim key): $260.
    writeFileSync(
      join(dir, 'P.A9999.ACO.ZC1Y26.D260601.T0100000'),
      [a('1000000000001', '0', '300.00'), a('1000000000002', '1', '300.00'), a('1000000000003', '2', '260.00')].join(
        '\n',
      ),
    );
    // Part B, under an MBI the crosswalk retired: $500, then $250 cancelled and re-adjusted to $207: $707.
    writeFileSync(
      join(dir, 'CCLF5.txt'),
      [
        b('2000000000001', 'CN1', '0', '500.00'),
        b('2000000000002', 'CN2', '0', '250.00'),
        b('2000000000003', 'CN2', '1', '250.00'),
        b('2000000000004', 'CN2', '2', '207.00'),
        b('2000000000005', 'CN3', '0', '10.00', '2026-06-31'),
      ].join('\n'),
    );
    writeFileSync(join(dir, 'CCLF9.txt'), cclfLine('CCLF9', { CRNT_NUM: '1CC0CC0CC09', PRVS_NUM: '1OLD0OLD001' }));
    writeFileSync(join(dir, 'CCLF8.txt'), cclfLine('CCLF8', { BENE_MBI_ID: '1CC0CC0CC09', BENE_DOB: '1950-01-01' }));
    writeFileSync(join(dir, 'CCLF2.txt'), 'revenue center lines: ignored\n');
    const report = join(work, 'cclf-report.txt');
    const r = runVbc(env, 'import', 'cclf', dir, '--report', report);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(report, 'utf8').trim()).toBe(
      `${join(dir, 'CCLF5.txt')}:5: CCLF5 record: CLM_FROM_DT '2026-06-31' is not a date YYYY-MM-DD`,
    );
    const acc = JSON.parse(vbc('export')).acos.find((x: { acoId: string }) => x.acoId === 'ACC');
    expect(acc).toMatchObject({ performanceYear: 2026, expenditureCents: 26_000 + 70_700, claimRecords: 7 });
    const again = vbc('export');
    expect(runVbc(env, 'import', 'cclf', dir, '--report', report).status).toBe(0);
    expect(JSON.parse(vbc('export'))).toEqual(JSON.parse(again));
  });

  it('the CCLF packet v38 worked example (section 5.3.2) through vbc import cclf: $260 + $707 = $967', () => {
    const example = join(work, 'cclf-5.3.2');
    mkdirSync(example, { recursive: true });
    writeFileSync(join(example, 'CCLF1.txt'), `${workedExampleCclf1().join('\n')}\n`);
    writeFileSync(join(example, 'CCLF5.txt'), `${workedExampleCclf5().join('\n')}\n`);
    writeFileSync(join(example, 'CCLF6.txt'), '');
    const r = runVbc(env, 'import', 'cclf', example);
    expect(r.status, r.stderr).toBe(0);
    const awx = JSON.parse(vbc('export')).acos.find((x: { acoId: string }) => x.acoId === 'AWX');
    expect(awx).toMatchObject({ performanceYear: 2012, expenditureCents: 96_700, claimRecords: 16 });
  });

  it('a file of no CCLF type is refused with one line', () => {
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    const r = runVbc(env, 'import', 'cclf', dir);
    expect([r.status, r.stderr.trim()]).toEqual([
      1,
      `vbc import: ${join(dir, 'notes.txt')}: cannot tell its CCLF file type from its name (CCLF1..., or CMS's ...ZC1Y...)`,
    ]);
  });
});
