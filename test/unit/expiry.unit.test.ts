import { describe, expect, it } from 'vitest';
import { acoContributions, spendByYear } from '../../shared/domain/claims.ts';
import { addDays } from '../../shared/domain/dates.ts';
import { derive } from '../../shared/domain/derive.ts';
import { closedThroughYear, compactClosedYears } from '../../shared/domain/expiry.ts';
import type { AttributionFact, BeneficiaryFacts, ClaimFact } from '../../shared/domain/facts.ts';
import { Seeded } from '../../shared/random/seeded.ts';
import { claim, discharge, factsWith } from '../support/facts.ts';

const reference = { prices: { 'MJRLE|*': 2_500_000 }, overrunThresholds: [80, 100] };
const attr = (
  seq: string,
  acoId: string,
  effectiveFrom: string,
  effectiveTo: string | null = null,
): AttributionFact => ({ seq, acoId, effectiveFrom, effectiveTo });

/** The facts after folding, as the claims service stores them. */
function fold(mbi: string, facts: BeneficiaryFacts, through: number): { after: BeneficiaryFacts; removed: string[] } {
  const c = compactClosedYears(facts, derive(mbi, facts, reference), through);
  if (!c) return { after: facts, removed: [] };
  const claims = new Map(facts.claims);
  for (const id of c.removed) claims.delete(id);
  const summaries = new Map(facts.summaries);
  for (const s of c.summaries) summaries.set(String(s.year), s);
  return { after: { ...facts, claims, summaries }, removed: c.removed };
}

describe('expiry: a performance year closes when event time is past its claims run-out', () => {
  it('closes the year on the run-out day after December 31, not the day before', () => {
    expect(closedThroughYear('2027-03-31', 90)).toBe(2025);
    expect(closedThroughYear('2027-04-01', 90)).toBe(2026);
    expect(closedThroughYear('2027-01-01', 0)).toBe(2026);
    expect(closedThroughYear('2028-12-31', 90)).toBe(2027);
    // Leap year: 2028-01-01 + 90 days is March 31.
    expect(closedThroughYear('2028-03-30', 90)).toBe(2026);
    expect(closedThroughYear('2028-03-31', 90)).toBe(2027);
  });
});

describe("expiry: folding a closed year's claim records into a summary", () => {
  const facts = factsWith({
    claims: [
      claim({ claimId: 'P1', thruDate: '2026-03-02', fromDate: '2026-03-02', paidAmountCents: 10_000 }),
      claim({
        claimId: 'P2',
        thruDate: '2026-08-10',
        fromDate: '2026-08-10',
        claimType: 'OUTPATIENT',
        paidAmountCents: 25_000,
      }),
      claim({
        claimId: 'P2X',
        claimControlNumber: 'P2',
        thruDate: '2026-08-10',
        fromDate: '2026-08-10',
        claimType: 'OUTPATIENT',
        adjustmentType: 'CANCELLATION',
        paidAmountCents: 25_000,
      }),
      claim({ claimId: 'D1', thruDate: '2026-09-01', fromDate: '2026-09-01', paidAmountCents: 9_999, denied: true }),
      claim({ claimId: 'U1', thruDate: '2025-12-30', fromDate: '2025-12-30', paidAmountCents: 7_000 }),
      // An anchor stay and a claim in its episode window: kept, episodes derive from them.
      claim({
        claimId: 'IP',
        claimType: 'INPATIENT',
        drg: '470',
        facilityId: 'F1',
        fromDate: '2026-11-02',
        thruDate: '2026-11-06',
        admissionDate: '2026-11-02',
        dischargeDate: '2026-11-06',
        paidAmountCents: 1_500_000,
      }),
      claim({
        claimId: 'W1',
        thruDate: '2026-12-01',
        fromDate: '2026-12-01',
        claimType: 'SNF',
        paidAmountCents: 300_000,
      }),
      claim({ claimId: 'N1', thruDate: '2027-01-05', fromDate: '2027-01-05', paidAmountCents: 4_000 }),
    ],
    discharges: [discharge({ encounterId: 'E0', admitDate: '2026-05-01', dischargeDate: '2026-05-03' })],
  });
  facts.attributions = new Map([
    ['1', attr('1', 'A1', '2026-01-01', '2026-06-30')],
    ['2', attr('2', 'A2', '2026-07-01')],
  ]);

  it('replaces the records of closed years, keeps what episodes and open years need, and every total stays exact', () => {
    const before = derive('M1', facts, reference);
    const { after, removed } = fold('M1', facts, 2026);
    expect(removed.sort()).toEqual(['D1', 'P1', 'P2', 'P2X', 'U1']);
    expect([...after.claims.keys()].sort()).toEqual(['IP', 'N1', 'W1']);
    expect([...after.summaries.keys()].sort()).toEqual(['2025', '2026']);
    expect(after.summaries.get('2026')).toMatchObject({ year: 2026, claimRecords: 4, spendCents: 10_000 });
    const again = derive('M1', after, reference);
    expect(again.acos).toEqual(before.acos);
    expect(again.spendByYear).toEqual(before.spendByYear);
    expect(again.episodes).toEqual(before.episodes);
    expect(again.alerts).toEqual(before.alerts);
  });

  it('folds nothing more on a second pass, and grows the summary with records kept the first time', () => {
    const { after } = fold('M1', facts, 2026);
    expect(compactClosedYears(after, derive('M1', after, reference), 2026)).toBeNull();
    // Later the episode is gone (its anchor cancelled): its window's records can be folded too.
    const withoutAnchor = { ...after, claims: new Map([...after.claims].filter(([id]) => id !== 'IP')) };
    const before = derive('M1', withoutAnchor, reference);
    const second = fold('M1', withoutAnchor, 2026);
    expect(second.removed).toEqual(['W1']);
    expect(second.after.summaries.get('2026')).toMatchObject({ claimRecords: 5, spendCents: 310_000 });
    expect(derive('M1', second.after, reference).acos).toEqual(before.acos);
  });

  it('keeps every ACO total and spend exact for random beneficiaries (property)', () => {
    const rnd = new Seeded(97);
    for (let n = 0; n < 300; n++) {
      const f = factsWith({});
      const periods = rnd.int(0, 3);
      for (let p = 0; p < periods; p++) {
        const from = addDays('2025-06-01', rnd.int(0, 700));
        f.attributions.set(
          String(p),
          attr(String(p), rnd.pick(['A1', 'A2', 'A3']), from, rnd.chance(0.5) ? null : addDays(from, rnd.int(0, 300))),
        );
      }
      const records: ClaimFact[] = [];
      for (let i = rnd.int(0, 25); i > 0; i--) {
        const fromDate = addDays('2025-01-01', rnd.int(0, 1000));
        const c = claim({
          claimId: `C${i}`,
          fromDate,
          thruDate: addDays(fromDate, rnd.int(0, 5)),
          claimType: rnd.pick(['PROFESSIONAL', 'OUTPATIENT', 'DME', 'HHA', 'INPATIENT']),
          drg: rnd.chance(0.3) ? '470' : null,
          paidAmountCents: rnd.int(0, 500_000),
          imeAmountCents: rnd.int(0, 100),
          denied: rnd.chance(0.05),
          adjustmentType: rnd.pick(['ORIGINAL', 'ORIGINAL', 'CANCELLATION', 'ADJUSTMENT']),
        });
        records.push(c);
      }
      for (const c of records) f.claims.set(c.claimId, c);
      const through = rnd.int(2024, 2027);
      const { after } = fold(`M${n}`, f, through);
      expect(acoContributions(after)).toEqual(acoContributions(f));
      expect(spendByYear(after)).toEqual(spendByYear(f));
      for (const c of after.claims.values()) {
        const anchoring = [...f.claims.values()].some(
          (a) => a.claimType === 'INPATIENT' && a.drg === '470' && a.claimControlNumber === c.claimControlNumber,
        );
        const kept =
          (c.claimType === 'INPATIENT' && anchoring) ||
          Number(c.thruDate.slice(0, 4)) > through ||
          derive(`M${n}`, f, reference).episodes.some(
            (e) => c.fromDate >= e.anchorAdmitDate && c.fromDate <= e.windowEnd,
          );
        expect(kept).toBe(true);
      }
    }
  });
});
