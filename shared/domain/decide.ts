import type { Alert } from './alerts.ts';
import { derive, type Derived } from './derive.ts';
import { diff } from './diff.ts';
import { addTotals, guardOf, onlyAddsToTotals } from './incremental-derivation.ts';
import type { AcoDelta, BeneficiaryFacts, ClaimFact, Reference } from './facts.ts';
import type { ReconciliationRecord } from './reconciliation-record.ts';

/**
 * The per-beneficiary decision: given a beneficiary's state (its facts and what was derived from
 * them), the facts that arrived and the reference data, what to store and what follows. A decider
 * in the event-sourcing sense: storage, Kafka and Redis stay outside (shared/engine/apply.ts
 * stores the decision atomically and publishes what it raised).
 */

/** A section of a beneficiary's facts. */
export type FactSection = keyof BeneficiaryFacts;

/** A fact offered to a beneficiary: a record of a section under its own id. */
export interface IncomingFact {
  section: FactSection;
  id: string;
  value: unknown;
  /**
   * A later record with the same id replaces the held one (ADT corrections, in offset order: see
   * `seq`); otherwise the first one held stays (claims, attribution: each record is its own fact).
   */
  replaces: boolean;
  /** The performance year a claim counts in: refused when new and that year is closed (expiry). */
  year?: number;
  /** Refuse it unless already held (a rebuild keeps the refusals of the first pass). */
  refuseIfNew?: boolean;
  /** What the caller made it from, handed back with a refusal. */
  origin?: unknown;
}

/** A fact to add or remove besides the incoming ones (a transform's work). */
export interface FactRef {
  section: FactSection;
  id: string;
  value?: unknown;
}

/**
 * Extra work on a beneficiary's freshly derived state: reconciliation closes episodes (closure
 * facts and their reconciliations), expiry folds a closed year's claim records into a summary.
 */
export type Transform = (
  mbi: string,
  facts: BeneficiaryFacts,
  derived: Derived,
  reference: Reference,
) => {
  facts: BeneficiaryFacts;
  derived: Derived;
  added: FactRef[];
  removed: FactRef[];
  reconciliations: ReconciliationRecord[];
} | null;

export interface BeneficiaryView {
  facts: BeneficiaryFacts;
  derived: Derived;
}

export interface DecideOptions {
  reference: Reference;
  /** Claims of years up to this one are refused when new (null: no year is closed). */
  closedThrough: number | null;
  /** Derive again even without a new fact (reference data changed, or a transform to run). */
  force?: boolean;
  transform?: Transform;
}

export interface Decision {
  /** The incoming facts to store (new, or replacing an older record of the same id). */
  accepted: IncomingFact[];
  /** The incoming facts refused: claims of a closed year. */
  refused: IncomingFact[];
  /** Facts a transform added or removed. */
  added: FactRef[];
  removed: FactRef[];
  facts: BeneficiaryFacts;
  derived: Derived;
  raised: Alert[];
  withdrawn: Alert[];
  acoDeltas: Map<string, AcoDelta>;
  reconciliations: ReconciliationRecord[];
  /**
   * The incremental path: the new facts only added to totals (incremental-derivation.ts), so nothing but totals
   * changed and the stored derived snapshot stays as it is.
   */
  totalsOnly: boolean;
}

const NO_ALERTS: Alert[] = [];
const NO_FACTS: FactRef[] = [];
const NO_RECONCILIATIONS: ReconciliationRecord[] = [];

/**
 * Decides a beneficiary's change. A fact already held is a no-op before anything else (so a
 * redelivered claim of a closed year is a duplicate, not a refusal). The state given is the
 * caller's to hand over: its facts are updated in place and its derived state too on the
 * incremental path (copying a beneficiary's facts per record cost the claims path dearly).
 * Returns null when nothing changes.
 */
export function decide(
  mbi: string,
  state: BeneficiaryView,
  incoming: IncomingFact[],
  options: DecideOptions,
): Decision | null {
  const accepted: IncomingFact[] = [];
  let refused: IncomingFact[] | null = null;
  const freshClaims: ClaimFact[] = [];
  let otherFacts = false;
  let facts = state.facts;
  for (const f of incoming) {
    const held = facts[f.section].get(f.id);
    if (held !== undefined && (!f.replaces || sameFact(held, f.value) || !supersedes(f.value, held))) continue;
    if (f.refuseIfNew || (f.year !== undefined && options.closedThrough !== null && f.year <= options.closedThrough)) {
      (refused ??= []).push(f);
      continue;
    }
    (facts[f.section] as Map<string, unknown>).set(f.id, f.value);
    accepted.push(f);
    if (f.section === 'claims' && held === undefined) freshClaims.push(f.value as ClaimFact);
    else otherFacts = true;
  }
  const force = options.force === true;
  if (accepted.length === 0 && !force) return refused ? unchanged(state, refused) : null;

  // The bulk of a claims feed: new records that can only add to totals are added to the derived
  // state as they are; the outputs are their contributions.
  const guard = force || options.transform || otherFacts ? null : guardOf(state.derived, facts);
  if (guard !== null && freshClaims.every((c) => onlyAddsToTotals(c, guard))) {
    const acoDeltas = addTotals(state.derived, freshClaims, [...facts.attributions.values()]);
    return {
      accepted,
      refused: refused ?? [],
      added: NO_FACTS,
      removed: NO_FACTS,
      facts,
      derived: state.derived,
      raised: NO_ALERTS,
      withdrawn: NO_ALERTS,
      acoDeltas,
      reconciliations: NO_RECONCILIATIONS,
      totalsOnly: true,
    };
  }

  let derived = derive(mbi, facts, options.reference);
  let added = NO_FACTS;
  let removed = NO_FACTS;
  let reconciliations = NO_RECONCILIATIONS;
  const extra = options.transform?.(mbi, facts, derived, options.reference);
  if (extra) {
    ({ facts, derived, added, removed, reconciliations } = extra);
  }
  const changes = diff(state.derived, derived);
  return {
    accepted,
    refused: refused ?? [],
    added,
    removed,
    facts,
    derived,
    raised: changes.raised,
    withdrawn: changes.withdrawn,
    acoDeltas: new Map(Object.entries(changes.acoDeltas)),
    reconciliations,
    totalsOnly: false,
  };
}

/** Only refusals: the state is as it was. */
function unchanged(state: BeneficiaryView, refused: IncomingFact[]): Decision {
  return {
    accepted: [],
    refused,
    added: NO_FACTS,
    removed: NO_FACTS,
    facts: state.facts,
    derived: state.derived,
    raised: NO_ALERTS,
    withdrawn: NO_ALERTS,
    acoDeltas: new Map(),
    reconciliations: NO_RECONCILIATIONS,
    totalsOnly: true,
  };
}

/** Two records of an id that say the same (ADT records are plain JSON objects built in one field order). */
function sameFact(held: unknown, value: unknown): boolean {
  return JSON.stringify(held) === JSON.stringify(value);
}

/**
 * Whether a replacing record supersedes the one held: ADT records of one encounter on one topic
 * replace each other in offset order (contract 1.3), so an older one redelivered after a newer one
 * changes nothing. Records without a position (tests, earlier versions) replace as they come.
 */
function supersedes(value: unknown, held: unknown): boolean {
  const heldSeq = (held as { seq?: string }).seq ?? '';
  const newSeq = (value as { seq?: string }).seq ?? '';
  return newSeq === '' || heldSeq === '' || newSeq > heldSeq;
}
