import { acoOn, acoYearKey, emptyContribution, emptyDelta, signedCents, type AcoContribution } from './claims.ts';
import { monthOf, yearOf } from './dates.ts';
import type { Derived } from './derive.ts';
import { couldAnchor } from './episodes.ts';
import { couldCloseFollowUp } from './tcm.ts';
import type { AcoDelta, AttributionFact, BeneficiaryFacts, ClaimFact } from './facts.ts';

/**
 * The incremental form of derive() for the bulk of a claims feed. For a beneficiary with no
 * episode, a new claim record that cannot anchor one nor close a transitional-care follow-up
 * changes nothing but the ACO totals and the spend by year: stays come from ADT, and only an
 * episode's window takes a claim's spend. For
 * those records the derived state is evolved by adding each record's contribution, and the ACO
 * deltas are the contributions themselves: no re-derivation over every record the beneficiary has,
 * no diff. The result equals derive() over all the facts and diff() against the state before
 * (test/unit/incremental-derivation.unit.test.ts checks it on random feeds, with anchoring records among them).
 */
export function changesOnlyTotals(claim: ClaimFact, derived: Derived, facts: BeneficiaryFacts): boolean {
  if (derived.episodes.length > 0) return false;
  // Follow-ups exist only after a discharge: before one, a visit changes nothing but totals.
  const followUpsMatter = facts.discharges.size > 0;
  if (couldAnchor(claim) || (followUpsMatter && couldCloseFollowUp(claim))) return false;
  // A record that cannot anchor or close anything itself can still change which version of its
  // claim is current (a cancellation, an adjustment), and so bring one that could in or out.
  return !ruleClaimNumbers(derived, facts).has(claim.claimControlNumber);
}

/**
 * Claim control numbers of the records that could anchor an episode or close a follow-up, per
 * derived state. Records added on the incremental path are never such records (or, without a
 * discharge, do not matter yet, and a discharge derives anew), and every other change derives a
 * new state: so the set made for a state stays right for as long as that state lives.
 */
const RULE_CLAIMS = new WeakMap<Derived, Set<string>>();

function ruleClaimNumbers(derived: Derived, facts: BeneficiaryFacts): Set<string> {
  let set = RULE_CLAIMS.get(derived);
  if (set === undefined) {
    set = new Set();
    for (const c of facts.claims.values()) if (couldAnchor(c) || couldCloseFollowUp(c)) set.add(c.claimControlNumber);
    RULE_CLAIMS.set(derived, set);
  }
  return set;
}

/**
 * Adds new claim records (each one for which changesOnlyTotals holds, none held before) to
 * `derived`, in place: the caller owns the state (the engine takes it out of its cache while it
 * works on it). Returns the ACO deltas: those of diff(), zeros aside.
 */
export function addTotals(
  derived: Derived,
  claims: ClaimFact[],
  attributions: AttributionFact[],
): Map<string, AcoDelta> {
  const { acos, spendByYear } = derived;
  const deltas = new Map<string, AcoDelta>();
  // A beneficiary's records mostly fall in one ACO and year: its total and counters are looked up
  // again only when those change from one record to the next.
  let aco: string | null = null;
  let year = 0;
  // Set by the first counted record (its ACO differs from null) before either is used.
  let c!: AcoContribution;
  let d!: AcoDelta;
  for (const claim of claims) {
    const cents = signedCents(claim);
    const claimYear = yearOf(claim.thruDate);
    spendByYear[claimYear] = (spendByYear[claimYear] ?? 0) + cents;
    if (claim.denied) continue;
    const claimAco = acoOn(claim.thruDate, attributions);
    if (claimAco === null) continue;
    if (claimAco !== aco || claimYear !== year) {
      aco = claimAco;
      year = claimYear;
      const key = acoYearKey(aco, year);
      c = acos[key] ??= emptyContribution();
      const held = deltas.get(key);
      if (held === undefined) deltas.set(key, (d = emptyDelta()));
      else d = held;
    }
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
  return deltas;
}
