import { describe, expect, it } from 'vitest';
import { acoContributions, acoOn, countableCents, signedCents } from '../../shared/domain/claims.ts';
import { emptyFacts, type AttributionFact } from '../../shared/domain/facts.ts';
import { claim, factsWith } from '../support/facts.ts';

const attr = (seq: string, acoId: string, effectiveFrom: string, effectiveTo: string | null = null): AttributionFact => ({ seq, acoId, effectiveFrom, effectiveTo });

describe('countable amounts (contract 1.1)', () => {
  it('is paid minus IME minus DSH', () => {
    expect(countableCents(claim({ claimId: 'C', paidAmountCents: 900000, imeAmountCents: 20000, dshAmountCents: 10000 }))).toBe(870000);
  });
  it('is 0 for a denied record', () => {
    expect(countableCents(claim({ claimId: 'C', paidAmountCents: 50000, denied: true }))).toBe(0);
  });
  it('negates cancellations and adds adjustments', () => {
    const records = [
      claim({ claimId: 'O', paidAmountCents: 900000, imeAmountCents: 20000, dshAmountCents: 10000 }),
      claim({ claimId: 'X', adjustmentType: 'CANCELLATION', paidAmountCents: 900000, imeAmountCents: 20000, dshAmountCents: 10000 }),
      claim({ claimId: 'A', adjustmentType: 'ADJUSTMENT', paidAmountCents: 950000, imeAmountCents: 20000, dshAmountCents: 10000 }),
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
    facts.attributions = { '1': attr('1', 'A1', '2026-01-01', '2026-06-30'), '2': attr('2', 'A2', '2026-07-01') };
    const c = acoContributions(facts);
    expect(c['A1|2026']).toMatchObject({ expenditureCents: 100, claimRecords: 1 });
    expect(c['A2|2026']).toMatchObject({ expenditureCents: 200, claimRecords: 1 });
  });
  it('unattributed claims count toward no ACO', () => {
    const facts = emptyFacts();
    facts.claims.C = claim({ claimId: 'C', paidAmountCents: 7000 });
    expect(acoContributions(facts)).toEqual({});
  });
});
