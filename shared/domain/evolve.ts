import { acoOn, acoYearKey, emptyContribution, signedCents } from './claims.ts';
import { monthOf, yearOf } from './dates.ts';
import type { Derived } from './derive.ts';
import type { AcoDelta } from './diff.ts';
import type { AttributionFact, ClaimFact } from './facts.ts';

/**
 * The incremental form of derive() for the bulk of a claims feed. A new claim record that is not
 * inpatient, for a beneficiary with no episode, can change nothing but the ACO totals and the spend
 * by year: stays come from ADT, episodes are anchored by inpatient records and only an episode's
 * window takes a claim's spend. For those records the derived state is evolved by adding each
 * record's contribution, and the ACO deltas are the contributions themselves: no re-derivation
 * over every record the beneficiary has, no diff. The result equals derive() over all the facts
 * and diff() against the state before (test/unit/evolve.unit.test.ts checks it on random feeds).
 */
export function changesOnlyTotals(claim: ClaimFact, derived: Derived): boolean {
  return claim.claimType !== 'INPATIENT' && derived.episodes.length === 0;
}

/**
 * Adds new claim records (each one for which changesOnlyTotals holds, none held before) to
 * `derived`, in place: the caller owns the state (the engine takes it out of its cache while it
 * works on it). Returns the ACO deltas, as diff() would give them.
 */
export function addTotals(derived: Derived, claims: ClaimFact[], attributions: AttributionFact[]): Record<string, AcoDelta> {
  const { acos, spendByYear } = derived;
  const acoDeltas: Record<string, AcoDelta> = {};
  for (const claim of claims) {
    const cents = signedCents(claim);
    const year = yearOf(claim.thruDate);
    spendByYear[year] = (spendByYear[year] ?? 0) + cents;
    if (claim.denied) continue;
    const aco = acoOn(claim.thruDate, attributions);
    if (aco === null) continue;
    const key = acoYearKey(aco, year);
    const c = (acos[key] ??= emptyContribution());
    const d = (acoDeltas[key] ??= { expenditureCents: 0, claimRecords: 0, beneficiaries: 0, byClaimType: {}, byServiceMonth: {} });
    // Records only come in here, so a beneficiary starts counting for an ACO-year and never stops.
    if (c.claimRecords === 0) d.beneficiaries = 1;
    const month = monthOf(claim.thruDate);
    c.expenditureCents += cents;
    c.claimRecords += 1;
    c.byClaimType[claim.claimType] = (c.byClaimType[claim.claimType] ?? 0) + cents;
    c.byServiceMonth[month] = (c.byServiceMonth[month] ?? 0) + cents;
    d.expenditureCents += cents;
    d.claimRecords += 1;
    d.byClaimType[claim.claimType] = (d.byClaimType[claim.claimType] ?? 0) + cents;
    d.byServiceMonth[month] = (d.byServiceMonth[month] ?? 0) + cents;
  }
  // As diff() reports them: no entry for a claim type or month whose sum came to zero.
  for (const d of Object.values(acoDeltas)) {
    for (const t in d.byClaimType) if (d.byClaimType[t] === 0) delete d.byClaimType[t];
    for (const m in d.byServiceMonth) if (d.byServiceMonth[m] === 0) delete d.byServiceMonth[m];
  }
  return acoDeltas;
}
