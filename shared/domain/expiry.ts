import { acoContributions, addContribution, emptyContribution, signedCents } from './claims.ts';
import { addDays, daysBetween, yearOf } from './dates.ts';
import { couldAnchor } from './episodes.ts';
import { couldCloseFollowUp, VISIT_DAYS } from './tcm.ts';
import type { Transform } from './decide.ts';
import { derive, type Derived } from './derive.ts';
import { emptyFacts, type BeneficiaryFacts, type ClaimFact, type YearSummaryFact } from './facts.ts';

/**
 * Bounded memory in event time. A performance year closes once the event clock (latest claim
 * thruDate processed) is past its claims run-out: `runoutDays` days after December 31 (CMS closes
 * MSSP claims three months after the year). From then on no rule needs that year's claim records
 * one by one: each beneficiary's records of the year are replaced by one summary of what they
 * contributed (ACO totals and spend stay exact), and a claim of a closed year that arrives later is
 * refused (dead-lettered with the reason) rather than counted without its duplicate check.
 *
 * Records still in a rule's reach stay: every record of a claim that could anchor an episode
 * (its cancellations and adjustments decide whether it still does), any claim whose fromDate falls
 * in an episode's window, and visits that could close a discharge's transitional-care follow-up.
 */

/**
 * The date the run-out of the year before a clock's year ends, by runoutDays * 10000 + the clock's year: made once
 * each.
 */
const RUNOUT_ENDS = new Map<number, string>();

/** The latest year closed on this event-clock date (years up to it included), or null. */
export function closedThroughYear(clock: string, runoutDays: number): number {
  const year = yearOf(clock);
  // Called as the clock moves within a batch: the date is worked out once per year, not per call.
  const key = runoutDays * 10000 + year;
  let end = RUNOUT_ENDS.get(key);
  if (end === undefined) RUNOUT_ENDS.set(key, (end = addDays(`${year}-01-01`, runoutDays)));
  return clock >= end ? year - 1 : year - 2;
}

/**
 * A claim record that may be folded into its year's summary once the year is closed: no inpatient
 * record of a claim that has an episode DRG (it anchors an episode, and its cancellations and
 * adjustments decide whether it still does) and in no episode's window (episode spend, reconciled
 * or not, is derived from the records themselves).
 */
function foldable(claim: ClaimFact, throughYear: number, derived: Derived, kept: Set<string>): boolean {
  if (yearOf(claim.thruDate) > throughYear) return false;
  if (kept.has(claim.claimControlNumber)) return false;
  return !derived.episodes.some((e) => claim.fromDate >= e.anchorAdmitDate && claim.fromDate <= e.windowEnd);
}

function addSummary(
  into: YearSummaryFact | undefined,
  year: number,
  claims: ClaimFact[],
  facts: BeneficiaryFacts,
): YearSummaryFact {
  const only = {
    ...emptyFacts(),
    attributions: facts.attributions,
    claims: new Map(claims.map((c) => [c.claimId, c])),
  };
  const summary: YearSummaryFact = structuredClone(into) ?? { year, acos: {}, spendCents: 0, claimRecords: 0 };
  for (const [key, c] of Object.entries(acoContributions(only))) {
    addContribution((summary.acos[key] ??= emptyContribution()), c);
  }
  for (const c of claims) summary.spendCents += signedCents(c);
  summary.claimRecords += claims.length;
  return summary;
}

export interface Compaction {
  /** Claim ids replaced. */
  removed: string[];
  /** The new or grown summaries, by year. */
  summaries: YearSummaryFact[];
}

/** The claim records of years up to `throughYear` to fold into summaries, or null when there are none. */
export function compactClosedYears(facts: BeneficiaryFacts, derived: Derived, throughYear: number): Compaction | null {
  const kept = new Set<string>();
  for (const c of facts.claims.values()) if (couldAnchor(c)) kept.add(c.claimControlNumber);
  const discharges: string[] = [];
  for (const d of facts.discharges.values()) if (!d.cancelled) discharges.push(d.dischargeDate);
  // A visit that could close a follow-up stays with every record of its claim (their versions decide).
  for (const c of facts.claims.values()) {
    if (!couldCloseFollowUp(c)) continue;
    if (discharges.some((d) => daysBetween(d, c.fromDate) >= 1 && daysBetween(d, c.fromDate) <= VISIT_DAYS))
      kept.add(c.claimControlNumber);
  }
  const byYear = new Map<number, ClaimFact[]>();
  for (const claim of facts.claims.values()) {
    if (!foldable(claim, throughYear, derived, kept)) continue;
    const year = yearOf(claim.thruDate);
    const list = byYear.get(year);
    if (list) list.push(claim);
    else byYear.set(year, [claim]);
  }
  if (byYear.size === 0) return null;
  const removed: string[] = [];
  const summaries: YearSummaryFact[] = [];
  for (const [year, claims] of [...byYear].sort(([a], [b]) => a - b)) {
    summaries.push(addSummary(facts.summaries.get(String(year)), year, claims, facts));
    for (const c of claims) removed.push(c.claimId);
  }
  return { removed, summaries };
}

/**
 * Expiry as a transform (decide.ts): a beneficiary's foldable claim records of years up to
 * `throughYear` replaced by their year summaries. Derived again from what is kept: totals come out
 * the same (the summaries hold them).
 */
export function foldClosedYears(throughYear: number): Transform {
  return (mbi, facts, derived, reference) => {
    const compaction = compactClosedYears(facts, derived, throughYear);
    if (!compaction) return null;
    const claims = new Map(facts.claims);
    for (const id of compaction.removed) claims.delete(id);
    const summaries = new Map(facts.summaries);
    for (const s of compaction.summaries) summaries.set(String(s.year), s);
    const after = { ...facts, claims, summaries };
    return {
      facts: after,
      derived: derive(mbi, after, reference),
      added: compaction.summaries.map((s) => ({ section: 'summaries' as const, id: String(s.year), value: s })),
      removed: compaction.removed.map((id) => ({ section: 'claims' as const, id })),
      reconciliations: [],
    };
  };
}
