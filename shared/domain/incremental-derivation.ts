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
  return onlyAddsToTotals(claim, guardOf(derived, facts));
}

/**
 * What decides whether a new claim record only adds to totals: whether the beneficiary has
 * episodes or discharges, and which of its claims could anchor an episode or close a follow-up.
 * No claim record itself is needed, so the guard can be kept apart from them (TotalsSummary).
 */
export interface TotalsGuard {
  hasEpisodes: boolean;
  hasDischarges: boolean;
  /** Claim control numbers of held records that could anchor an episode or close a follow-up. */
  ruleClaims: ReadonlySet<string>;
}

export function guardOf(derived: Derived, facts: BeneficiaryFacts): TotalsGuard {
  return {
    hasEpisodes: derived.episodes.length > 0,
    hasDischarges: facts.discharges.size > 0,
    ruleClaims: ruleClaimNumbers(derived, facts),
  };
}

/** changesOnlyTotals on a guard: one guard serves every record of a batch. */
export function onlyAddsToTotals(claim: ClaimFact, guard: TotalsGuard): boolean {
  if (guard.hasEpisodes) return false;
  // Follow-ups exist only after a discharge: before one, a visit changes nothing but totals.
  if (couldAnchor(claim) || (guard.hasDischarges && couldCloseFollowUp(claim))) return false;
  // A record that cannot anchor or close anything itself can still change which version of its
  // claim is current (a cancellation, an adjustment), and so bring one that could in or out.
  return !guard.ruleClaims.has(claim.claimControlNumber);
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
  derived: Pick<Derived, 'acos' | 'spendByYear'>,
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
    count(c, claim, month, cents);
    count(d, claim, month, cents);
  }
  return deltas;
}

/** One counted claim record added to a total or a delta (a contribution's and a delta's figures alike). */
function count(into: AcoContribution | AcoDelta, claim: ClaimFact, month: string, cents: number): void {
  into.expenditureCents += cents;
  into.claimRecords += 1;
  into.byClaimType[claim.claimType] = (into.byClaimType[claim.claimType] ?? 0) + cents;
  into.byServiceMonth[month] = (into.byServiceMonth[month] ?? 0) + cents;
}

/**
 * What the incremental path needs of a beneficiary, kept beside its state so that a claim record
 * which only adds to totals is decided without reading the beneficiary's claim records: the
 * guard, the attribution roster, and the ACO-years it already counts in (its first record in one
 * makes it count there). Reading every record back for such a claim made the claims path cost
 * more per record the more beneficiaries fell out of the service's cache.
 */
export interface TotalsSummary extends TotalsGuard {
  attributions: AttributionFact[];
  /** ACO-years (acoYearKey) with at least one counted claim record of this beneficiary. */
  counted: string[];
}

export function summaryOf(derived: Derived, facts: BeneficiaryFacts): TotalsSummary {
  const counted: string[] = [];
  for (const key in derived.acos) if (derived.acos[key]!.claimRecords > 0) counted.push(key);
  return { ...guardOf(derived, facts), attributions: [...facts.attributions.values()], counted };
}

/**
 * The incremental path on a summary alone: the ACO deltas of new claim records (none held before)
 * and the summary after them, or null when one of them could change more than totals (then the
 * caller derives from every fact). Equals addTotals on the full state (the unit test checks it).
 */
export function addTotalsToSummary(
  summary: TotalsSummary,
  claims: ClaimFact[],
): { acoDeltas: Map<string, AcoDelta>; summary: TotalsSummary } | null {
  for (const claim of claims) if (!onlyAddsToTotals(claim, summary)) return null;
  // Of the totals before, only whether the beneficiary counts in an ACO-year matters here: its
  // first counted record there makes it count (addTotals, on a whole state, learns it from the
  // contribution). So no contribution is built, only the deltas: on the claims path this runs
  // once per beneficiary per batch, and the contributions were most of what it allocated.
  const acoDeltas = new Map<string, AcoDelta>();
  let counted = summary.counted;
  let aco: string | null = null;
  let year = 0;
  let d!: AcoDelta;
  for (const claim of claims) {
    if (claim.denied) continue;
    const claimAco = acoOn(claim.thruDate, summary.attributions);
    if (claimAco === null) continue;
    const claimYear = yearOf(claim.thruDate);
    if (claimAco !== aco || claimYear !== year) {
      aco = claimAco;
      year = claimYear;
      const key = acoYearKey(aco, year);
      const held = acoDeltas.get(key);
      if (held !== undefined) d = held;
      else {
        acoDeltas.set(key, (d = emptyDelta()));
        if (!counted.includes(key)) {
          counted = [...counted, key];
          d.beneficiaries = 1;
        }
      }
    }
    count(d, claim, monthOf(claim.thruDate), signedCents(claim));
  }
  return { acoDeltas, summary: counted === summary.counted ? summary : { ...summary, counted } };
}
