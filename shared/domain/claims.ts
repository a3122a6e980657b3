import { monthOf, yearOf } from './dates.ts';
import type { AcoContribution, AcoDelta, AttributionFact, BeneficiaryFacts, ClaimFact } from './facts.ts';

export type { AcoContribution };

/** Contract 1.1: paid - IME - DSH; a denied record counts 0. */
export function countableCents(claim: ClaimFact): number {
  if (claim.denied) return 0;
  return claim.paidAmountCents - claim.imeAmountCents - claim.dshAmountCents;
}

/** Contract 1.1: cancellations negate, originals and adjustments add. */
export function signedCents(claim: ClaimFact): number {
  const amount = countableCents(claim);
  return claim.adjustmentType === 'CANCELLATION' ? -amount : amount;
}

/**
 * Contract 1.2: the ACO on a date is given by the latest-received attribution record whose inclusive
 * period contains the date; a later record replaces earlier ones only where their periods overlap.
 */
export function acoOn(date: string, attributions: Iterable<AttributionFact>): string | null {
  let best: AttributionFact | null = null;
  for (const a of attributions) {
    if (a.effectiveFrom > date || (a.effectiveTo !== null && a.effectiveTo < date)) continue;
    if (best === null || a.seq > best.seq) best = a;
  }
  return best?.acoId ?? null;
}

export const acoYearKey = (acoId: string, year: number) => `${acoId}|${year}`;

/** Adds one contribution into another (by claim type and service month too). */
export function addContribution(into: AcoContribution, from: AcoContribution): void {
  into.expenditureCents += from.expenditureCents;
  into.claimRecords += from.claimRecords;
  for (const [t, n] of Object.entries(from.byClaimType)) into.byClaimType[t] = (into.byClaimType[t] ?? 0) + n;
  for (const [m, n] of Object.entries(from.byServiceMonth)) into.byServiceMonth[m] = (into.byServiceMonth[m] ?? 0) + n;
}

/**
 * An object used as a dictionary (keys that differ from one beneficiary to the next: months, ACOs,
 * claim types, in any order). Made without a prototype, V8 keeps it as a hash table from the
 * start: as an ordinary object literal, every new order of keys added made new hidden classes,
 * and each lookup in the totals went through a megamorphic cache (most of the time of addTotals).
 */
function dictionary<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** A zero ACO delta, its breakdowns dictionaries like a contribution's. */
export const emptyDelta = (): AcoDelta => ({
  expenditureCents: 0,
  claimRecords: 0,
  beneficiaries: 0,
  byClaimType: dictionary(),
  byServiceMonth: dictionary(),
});

export const emptyContribution = (): AcoContribution => ({
  expenditureCents: 0,
  claimRecords: 0,
  byClaimType: dictionary(),
  byServiceMonth: dictionary(),
});

/**
 * Contract 1.2: each non-denied claim record counts toward the ACO attributed on its thruDate, in the
 * year of its thruDate. Unattributed records count toward no ACO (they still show in spendByYear).
 */
export function acoContributions(facts: BeneficiaryFacts): Record<string, AcoContribution> {
  const out = dictionary<AcoContribution>();
  const attributions = [...facts.attributions.values()];
  for (const claim of facts.claims.values()) {
    if (claim.denied) continue;
    const aco = acoOn(claim.thruDate, attributions);
    if (aco === null) continue;
    const key = acoYearKey(aco, yearOf(claim.thruDate));
    const c = (out[key] ??= emptyContribution());
    const cents = signedCents(claim);
    c.expenditureCents += cents;
    c.claimRecords += 1;
    c.byClaimType[claim.claimType] = (c.byClaimType[claim.claimType] ?? 0) + cents;
    const month = monthOf(claim.thruDate);
    c.byServiceMonth[month] = (c.byServiceMonth[month] ?? 0) + cents;
  }
  for (const summary of facts.summaries.values()) {
    for (const [key, s] of Object.entries(summary.acos)) addContribution((out[key] ??= emptyContribution()), s);
  }
  return out;
}

/** The beneficiary's own spend by performance year, attributed or not. */
export function spendByYear(facts: BeneficiaryFacts): Record<string, number> {
  const out = dictionary<number>();
  for (const claim of facts.claims.values()) {
    const year = String(yearOf(claim.thruDate));
    out[year] = (out[year] ?? 0) + signedCents(claim);
  }
  for (const s of facts.summaries.values()) out[String(s.year)] = (out[String(s.year)] ?? 0) + s.spendCents;
  return out;
}
