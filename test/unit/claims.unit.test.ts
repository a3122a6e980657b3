import { describe, expect, it } from 'vitest';
import { acoContributions, acoOn, countableCents, signedCents } from '../../shared/domain/claims.ts';
import { emptyFacts, type AttributionFact } from '../../shared/domain/facts.ts';
import { claim, factsWith } from '../support/facts.ts';

const attr = (
  seq: string,
  acoId: string,
  effectiveFrom: string,
  effectiveTo: string | null = null,
): AttributionFact => ({ seq, acoId, effectiveFrom, effectiveTo });

describe('countable amounts (contract 1.1)', () => {
  it('is paid minus IME minus DSH', () => {
    expect(
      countableCents(claim({ claimId: 'C', paidAmountCents: 900000, imeAmountCents: 20000, dshAmountCents: 10000 })),
    ).toBe(870000);
  });
  it('is 0 for a denied record', () => {
    expect(countableCents(claim({ claimId: 'C', paidAmountCents: 50000, denied: true }))).toBe(0);
  });
  it('negates cancellations and adds adjustments', () => {
    const records = [
      claim({ claimId: 'O', paidAmountCents: 900000, imeAmountCents: 20000, dshAmountCents: 10000 }),
      claim({
        claimId: 'X',
        adjustmentType: 'CANCELLATION',
        paidAmountCents: 900000,
        imeAmountCents: 20000,
        dshAmountCents: 10000,
      }),
      claim({
        claimId: 'A',
        adjustmentType: 'ADJUSTMENT',
        paidAmountCents: 950000,
        imeAmountCents: 20000,
        dshAmountCents: 10000,
      }),
    ];
    expect(records.map(signedCents).reduce((a, b) => a + b, 0)).toBe(920000);
  });
});

describe('attribution (contract 1.2)', () => {
  it('uses the inclusive period that contains the date', () => {
    const periods = [attr('1', 'A1', '2026-01-01', '2026-06-30'), attr('2', 'A2', '2026-07-01')];
    expect(acoOn('2026-06-30', periods)).toBe('A1');
    expect(acoOn('2026-07-01', periods)).toBe('A2');
    expect(acoOn('2025-12-31', periods)).toBeNull();
  });
  it('lets the latest record win only where periods overlap', () => {
    const periods = [attr('1', 'A1', '2026-01-01'), attr('2', 'A2', '2026-07-01')];
    expect(acoOn('2026-03-01', periods)).toBe('A1');
    expect(acoOn('2026-08-01', periods)).toBe('A2');
  });
  it('counts a claim toward the ACO on its thruDate in the year of its thruDate, denied records not at all', () => {
    const facts = factsWith({
      claims: [
        claim({ claimId: 'C1', thruDate: '2026-06-30', fromDate: '2026-06-30', paidAmountCents: 100 }),
        claim({ claimId: 'C2', thruDate: '2026-07-02', fromDate: '2026-06-29', paidAmountCents: 200 }),
        claim({ claimId: 'C3', thruDate: '2026-07-03', fromDate: '2026-07-03', paidAmountCents: 999, denied: true }),
      ],
    });
    facts.attributions = new Map([
      ['1', attr('1', 'A1', '2026-01-01', '2026-06-30')],
      ['2', attr('2', 'A2', '2026-07-01')],
    ]);
    const c = acoContributions(facts);
    expect(c['A1|2026']).toMatchObject({ expenditureCents: 100, claimRecords: 1 });
    expect(c['A2|2026']).toMatchObject({ expenditureCents: 200, claimRecords: 1 });
  });
  it('unattributed claims count toward no ACO', () => {
    const facts = emptyFacts();
    facts.claims.set('C', claim({ claimId: 'C', paidAmountCents: 7000 }));
    expect(acoContributions(facts)).toEqual({});
  });
});

describe('CCLF-style worked example (contract 1.1: negate cancellations, then sum everything)', () => {
  // Shaped like CMS CCLF Information Packet v38 section 5.3.2: a Part A claim that is paid, cancelled
  // and re-adjusted, and Part B lines paid, cancelled and re-billed. The packet's own rows could not
  // be retrieved here; these rows are ours and reach the totals the contract quotes from it:
  // $260 (Part A) + $707 (Part B) = $967.
  const partA = [
    claim({ claimId: 'A-1', claimControlNumber: 'A', claimType: 'INPATIENT', paidAmountCents: 20000 }),
    claim({
      claimId: 'A-2',
      claimControlNumber: 'A',
      claimType: 'INPATIENT',
      adjustmentType: 'CANCELLATION',
      paidAmountCents: 20000,
    }),
    claim({
      claimId: 'A-3',
      claimControlNumber: 'A',
      claimType: 'INPATIENT',
      adjustmentType: 'ADJUSTMENT',
      paidAmountCents: 26000,
    }),
  ];
  const partB = [
    claim({ claimId: 'B-1', claimControlNumber: 'B', paidAmountCents: 45000 }),
    claim({ claimId: 'B-2', claimControlNumber: 'B', adjustmentType: 'CANCELLATION', paidAmountCents: 45000 }),
    claim({ claimId: 'B-3', claimControlNumber: 'B', adjustmentType: 'ADJUSTMENT', paidAmountCents: 50700 }),
    claim({ claimId: 'B-4', claimControlNumber: 'C', paidAmountCents: 20000 }),
    claim({ claimId: 'B-5', claimControlNumber: 'D', paidAmountCents: 9900, denied: true }),
  ];
  const sum = (records: ReturnType<typeof claim>[]) => records.map(signedCents).reduce((a, b) => a + b, 0);

  it('totals $260 for Part A and $707 for Part B, $967 in all', () => {
    expect(sum(partA)).toBe(26000);
    expect(sum(partB)).toBe(70700);
    expect(sum([...partA, ...partB])).toBe(96700);
  });

  it('reaches the same totals whatever order the records arrive in', () => {
    const facts = emptyFacts();
    facts.attributions.set('t', { seq: '1', acoId: 'A1', effectiveFrom: '2026-01-01', effectiveTo: null });
    for (const c of [...partB, ...partA].reverse()) facts.claims.set(c.claimId, c);
    expect(acoContributions(facts)['A1|2026']).toMatchObject({ expenditureCents: 96700, claimRecords: 7 });
  });
});
