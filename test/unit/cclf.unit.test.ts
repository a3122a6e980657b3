import { describe, expect, it } from 'vitest';
import { cclfCents, cclfTypeOf, crosswalk, partAClaim, partBLine } from '../../shared/adapters/cclf.ts';
import { cclfLine } from '../support/cclf-writer.ts';
import { workedExampleCclf1, workedExampleCclf5 } from '../support/cclf-worked-example.ts';
import { signedCents } from '../../shared/domain/claims.ts';
import { currentVersions } from '../../shared/domain/claim-versions.ts';
import { validateRecord } from '../../shared/domain/validate.ts';
import type { ClaimFact } from '../../shared/domain/facts.ts';

const partA = (over: Record<string, string> = {}) =>
  cclfLine('CCLF1', {
    CUR_CLM_UNIQ_ID: '1000000000001',
    PRVDR_OSCAR_NUM: '100001',
    BENE_MBI_ID: '1AA2BB3CC44',
    CLM_TYPE_CD: '60',
    CLM_FROM_DT: '2026-03-02',
    CLM_THRU_DT: '2026-03-05',
    PRNCPL_DGNS_CD: 'M170',
    CLM_PMT_AMT: '14000.00',
    DGNS_DRG_CD: '0470',
    CLM_ADJSMT_TYPE_CD: '0',
    CLM_EFCTV_DT: '2026-03-20',
    CLM_OPRTNL_IME_AMT: '120.50',
    CLM_OPRTNL_DSPRPRTNT_AMT: '',
    ...over,
  });
const partB = (type: 'CCLF5' | 'CCLF6', over: Record<string, string> = {}) =>
  cclfLine(type, {
    CUR_CLM_UNIQ_ID: '2000000000001',
    CLM_LINE_NUM: '0000000003',
    BENE_MBI_ID: '1AA2BB3CC44',
    CLM_TYPE_CD: type === 'CCLF5' ? '71' : '82',
    CLM_FROM_DT: '2026-03-10',
    CLM_THRU_DT: '2026-03-10',
    CLM_LINE_HCPCS_CD: '99214',
    CLM_LINE_CVRD_PD_AMT: '95.10',
    CLM_CARR_PMT_DNL_CD: '1',
    CLM_ADJSMT_TYPE_CD: '0',
    CLM_EFCTV_DT: '2026-03-15',
    CLM_CNTL_NUM: 'CCN123',
    ...over,
  });

describe('CCLF files to claim records (contract 5.3)', () => {
  it('a CCLF1 line: ids, the related-claim key, type, amounts, the DRG as three digits, the crosswalked MBI', () => {
    const mbis = new Map([['1AA2BB3CC44', '9ZZ8YY7XX66']]);
    expect(partAClaim(partA(), mbis)).toEqual({
      ok: true,
      value: {
        claimId: '1000000000001',
        claimControlNumber: '100001|2026-03-02|2026-03-05|9ZZ8YY7XX66',
        adjustmentType: 'ORIGINAL',
        mbi: '9ZZ8YY7XX66',
        claimType: 'INPATIENT',
        fromDate: '2026-03-02',
        thruDate: '2026-03-05',
        drg: '470',
        principalDiagnosis: 'M170',
        facilityId: '100001',
        billingProviderNpi: null,
        paidAmountCents: 1_400_000,
        imeAmountCents: 12_050,
        dshAmountCents: 0,
        nonPaymentReasonCode: null,
        effectiveDate: '2026-03-20',
      },
    });
    const types = ['60', '40', '20', '30', '10', '50'].map((t) => {
      const r = partAClaim(partA({ CLM_TYPE_CD: t }), new Map());
      return r.ok ? r.value.claimType : r.reason;
    });
    expect(types).toEqual(['INPATIENT', 'OUTPATIENT', 'SNF', 'SNF', 'HHA', 'HOSPICE']);
    expect(partAClaim(partA({ CLM_ADJSMT_TYPE_CD: '1' }), new Map())).toMatchObject({
      value: { adjustmentType: 'CANCELLATION', paidAmountCents: 1_400_000 },
    });
    expect(partAClaim(partA({ CLM_MDCR_NPMT_RSN_CD: 'A' }), new Map())).toMatchObject({
      value: { nonPaymentReasonCode: 'A' },
    });
  });

  it('a CCLF5 or CCLF6 line: the claim and line ids (line number without leading zeros), the HCPCS, denial', () => {
    expect(partBLine('CCLF5', partB('CCLF5'), new Map())).toMatchObject({
      value: {
        claimId: '2000000000001-3',
        claimControlNumber: 'CCN123-3',
        claimType: 'PROFESSIONAL',
        paidAmountCents: 9_510,
        hcpcsCodes: ['99214'],
        nonPaymentReasonCode: null,
      },
    });
    expect(partBLine('CCLF6', partB('CCLF6', { CLM_CARR_PMT_DNL_CD: '0' }), new Map())).toMatchObject({
      value: { claimType: 'DME', nonPaymentReasonCode: '0' },
    });
  });

  it('bad records: wrong width, a bad date, an amount that is not one or is negative, an unknown claim type', () => {
    expect(partAClaim(partA().slice(0, 200), new Map())).toEqual({
      ok: false,
      reason: 'line is 200 characters, a CCLF1 record has at least 322',
    });
    expect(partAClaim(partA({ CLM_FROM_DT: '2026-02-30' }), new Map())).toEqual({
      ok: false,
      reason: "CLM_FROM_DT '2026-02-30' is not a date YYYY-MM-DD",
    });
    expect(partAClaim(partA({ CLM_PMT_AMT: '12,000.00' }), new Map())).toEqual({
      ok: false,
      reason: "CLM_PMT_AMT '12,000.00' is not an amount",
    });
    expect(partAClaim(partA({ CLM_OPRTNL_IME_AMT: '-1.00' }), new Map())).toEqual({
      ok: false,
      reason: 'CLM_OPRTNL_IME_AMT -1.00 is negative',
    });
    expect(partAClaim(partA({ CLM_TYPE_CD: '71' }), new Map())).toMatchObject({
      ok: false,
      reason: expect.stringContaining("CLM_TYPE_CD '71'"),
    });
    expect(partBLine('CCLF5', partB('CCLF5', { CLM_LINE_CVRD_PD_AMT: '-5.00' }), new Map())).toMatchObject({
      ok: false,
    });
  });

  it('the crosswalk follows chains to the current MBI', () => {
    const xw = crosswalk([
      { line: cclfLine('CCLF9', { CRNT_NUM: 'B', PRVS_NUM: 'A' }) },
      { line: cclfLine('CCLF9', { CRNT_NUM: 'C', PRVS_NUM: 'B' }) },
    ]);
    expect(Object.fromEntries(xw)).toEqual({ A: 'C', B: 'C' });
  });

  it('file types from their names; other CCLF types ignored; amounts in dollars to cents', () => {
    expect(
      [
        'CCLF1.txt',
        'cclf5_2026.txt',
        'P.A1234.ACO.ZC6Y24.D240115.T0102030',
        'P.A1234.ACO.ZC9R24.D240115',
        'CCLF2.txt',
        'CCLFA.txt',
        'README.md',
      ].map(cclfTypeOf),
    ).toEqual(['CCLF1', 'CCLF5', 'CCLF6', 'CCLF9', 'ignored', 'ignored', null]);
    expect([
      cclfCents('0000000000260.00'),
      cclfCents('95.1'),
      cclfCents('7'),
      cclfCents('1.234'),
      cclfCents(''),
    ]).toEqual([26_000, 9_510, 700, null, null]);
  });

  it('the packet v38 section 5.3.2 worked example: Part A $260 + Part B $707 = $967, and one current version per related claim', () => {
    const facts = (lines: string[], read: (l: string) => ReturnType<typeof partAClaim>) =>
      lines.map((l) => {
        const r = read(l);
        if (!r.ok) throw new Error(r.reason);
        const v = validateRecord('claims', r.value);
        if (!v.ok || v.value.kind !== 'claim') throw new Error('not a claim');
        return v.value.fact as ClaimFact;
      });
    const a = facts(workedExampleCclf1(), (l) => partAClaim(l, new Map()));
    const b = facts(workedExampleCclf5(), (l) => partBLine('CCLF5', l, new Map()));
    const sum = (xs: ClaimFact[]) => xs.reduce((n, c) => n + signedCents(c), 0);
    expect(sum(a)).toBe(26_000);
    expect(sum(b)).toBe(70_700);
    // Claims 1-6 are one related claim (one key), 7 another. Contract 1.4 keeps one current version of
    // each: claim 4 (latest effective date, the tie with 2 to the greater id) and claim 7. The packet,
    // for utilization, also keeps #2 or #5; amounts are the signed sum of every record either way.
    expect([...currentVersions(a).values()].map((c) => c.claimId).sort()).toEqual(['4', '7']);
  });
});
