import { decide, type IncomingFact, type Transform } from '../domain/decide.ts';
import { summaryOf } from '../domain/incremental-derivation.ts';
import { applyTotalsOnly } from './apply-totals-only.ts';
import { encodeSummary } from './summary-codec.ts';
import { restoreDerived, snapshotJson } from '../domain/derive.ts';
import { emptyFacts, type Reference } from '../domain/facts.ts';
import { AppError, ErrorCode } from '../errors/app-error.ts';
import { newVersion, WHOLE_SLICE, type Commit, type Loaded } from './beneficiary-store.ts';
import type { BeneficiaryStateStore } from './stores.ts';
import { alertEvent, reconciliationEvent, reconciliationField } from './events.ts';
import { encodeFact } from './fact-codec.ts';
import { factField } from './layout.ts';
import { chunksByShard } from './shards.ts';
import { handledLater } from './handled-later.ts';
import { StateCache, type BeneficiaryState } from './state-cache.ts';
import { SummaryCache } from './summary-cache.ts';

export type { IncomingFact };

export interface ApplyOptions {
  overrunThresholds: number[];
  outboxOwner: string;
  /** Re-derive these beneficiaries even without new facts (reference data changed). */
  refresh?: Iterable<string>;
  /** Extra work on each beneficiary's derived state (decide.ts: closing episodes, folding a year). */
  transform?: Transform;
  maxAttempts?: number;
  /** States this caller committed before: beneficiaries found here are not read from Redis. */
  cache?: StateCache;
  /** Versions and summaries this caller committed before: the summary path reads none of these. */
  summaries?: SummaryCache;
  /**
   * Keep a state the summary path can take next (keptBySummary) as its summary alone, not whole in
   * `cache`: for a service whose records are mostly claim records, whose next records for such a
   * beneficiary only add to totals. Its whole state (every fact, decoded) would cost heap and a
   * decide() over it for each of them; the summary costs a few hundred bytes.
   */
  summaryOnly?: boolean;
}

/**
 * Stores facts and applies their consequences for many beneficiaries: pipelined reads of those not
 * cached, derive and diff (or the incremental path) per beneficiary, pipelined commits (slices,
 * each all or nothing). A fact already held is a no-op, so redelivery and replay change nothing; beneficiaries
 * another writer changed meanwhile are re-read and recomputed.
 */
export async function applyUpdates(
  store: BeneficiaryStateStore,
  updates: Map<string, IncomingFact[]>,
  options: ApplyOptions,
): Promise<{ committed: number; refused: IncomingFact[] }> {
  const refresh = new Set(options.refresh ?? []);
  const cache = options.cache ?? new StateCache(0);
  const summaries = options.summaries ?? new SummaryCache(0);
  const all = [...new Set([...updates.keys(), ...refresh])];
  // Beneficiaries not cached that only receive claim records (or, new ones, attribution records) try
  // the summary path first (no fact read); what it cannot decide there is read whole after it, the
  // rest at the same time.
  const bySummary =
    options.transform || refresh.size > 0
      ? []
      : all.filter(
          (mbi) => !cache.has(mbi) && summaryMayTake(updates.get(mbi)!, options.summaryOnly ? summaries : null, mbi),
        );
  const viaSummary = new Set(bySummary);
  const [summaryResult, fullResult] = await Promise.all([
    applyTotalsOnly(store, bySummary, updates, options.outboxOwner, summaries),
    applyWhole(
      store,
      all.filter((mbi) => !viaSummary.has(mbi)),
      updates,
      refresh,
      { cache, summaries },
      options,
    ),
  ]);
  const rest =
    summaryResult.unresolved.length > 0
      ? await applyWhole(store, summaryResult.unresolved, updates, refresh, { cache, summaries }, options)
      : { committed: 0, refused: [] };
  return {
    committed: summaryResult.committed + fullResult.committed + rest.committed,
    refused: [...summaryResult.refused, ...fullResult.refused, ...rest.refused],
  };
}

/** The snapshot of a state with no readmission, episode or alert. */
const NOTHING_DERIVED = snapshotJson(restoreDerived('', emptyFacts()));

/**
 * Whether the summary path can take a state's next claim records (most of them): it has a summary
 * and no episode (a beneficiary with one is derived whole for every claim record).
 */
const keptBySummary = (state: BeneficiaryState) => state.summary !== '' && state.derived.episodes.length === 0;

/**
 * Whether the summary path can take every one of a beneficiary's records: claim records offered as
 * themselves (not replacing, not refused unless held) and, in a service that keeps summaries
 * (`known`), attribution records of a beneficiary it did not commit, which may have nothing stored
 * yet (the summary path takes them only then). A loop, not a closure per beneficiary, and the
 * summary cache is asked only about a beneficiary with attribution records: a lookup in a map of
 * half a million entries per beneficiary per batch was a measurable part of the path.
 */
function summaryMayTake(facts: IncomingFact[], known: SummaryCache | null, mbi: string): boolean {
  for (const f of facts) {
    if (f.replaces || f.refuseIfNew) return false;
    if (f.section === 'claims') continue;
    if (f.section !== 'attributions' || known === null || known.get(mbi) !== undefined) return false;
  }
  return true;
}

/**
 * The whole path: each beneficiary's facts and derived state (cached, or read), decide(), and the
 * commit; beneficiaries another writer moved on meanwhile are read again and decided again.
 */
async function applyWhole(
  store: BeneficiaryStateStore,
  mbis: string[],
  updates: Map<string, IncomingFact[]>,
  refresh: Set<string>,
  { cache, summaries }: { cache: StateCache; summaries: SummaryCache },
  options: ApplyOptions,
): Promise<{ committed: number; refused: IncomingFact[] }> {
  let pending = mbis;
  let committed = 0;
  const refusedBy = new Map<string, IncomingFact[]>();
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > (options.maxAttempts ?? 50)) {
      // Another writer kept changing these beneficiaries: the batch fails and is retried whole
      // (its facts already stored are no-ops), rather than applied on a state it did not read.
      throw new AppError(ErrorCode.STATE_CONFLICT, `state conflict persisted for ${pending.length} beneficiaries`, {
        retriable: true,
      });
    }
    // Cached states are taken out of the cache, not shared: this call owns them and adds the new
    // facts in place; a state goes back only as committed (or unchanged), so a failed or refused
    // commit leaves nothing half-applied cached, and a concurrent batch reads its own copy.
    const states = new Map<string, BeneficiaryState>();
    for (const mbi of pending) {
      const cached = cache.take(mbi);
      if (cached) states.set(mbi, cached);
    }
    const cachedSet = new Set(states.keys());
    // Pipelined both ways, in chunks of one slice: every chunk's read goes out at once,
    // each chunk is planned as soon as its read is back, and its commit goes out as soon as it
    // is planned, so Redis reads and writes while Node plans.
    // A chunk holds one shard's beneficiaries: its commit is one script on one slot.
    // A beneficiary re-derived with no new record (refresh) still writes its snapshot: it weighs one.
    const chunks = chunksByShard(
      pending,
      (mbi) => store.shardOf(mbi),
      WHOLE_SLICE,
      (mbi) => updates.get(mbi)?.length ?? 1,
    );
    // A chunk with nothing to read uses what the chunk before it (of its shard) read of the prices and closed year.
    const loads = chunks.map(({ shard, mbis }, c) => {
      const missing = mbis.filter((mbi) => !cachedSet.has(mbi));
      return c === 0 || missing.length > 0 || chunks[c - 1]!.shard !== shard
        ? handledLater(store.load(missing, options.overrunThresholds, shard))
        : null;
    });
    let loaded: Loaded | null = null;
    // Cached beneficiaries whose records all turned out held (or refused): no commit will check
    // their version, so it is checked below; a stale copy (another writer, a reset) is re-read.
    const unchecked: string[] = [];
    const sent: Promise<string[]>[] = [];
    let planned = 0;
    const next = new Map<string, BeneficiaryState>();
    for (let c = 0; c < chunks.length; c++) {
      loaded = (await loads[c]) ?? loaded!;
      const { reference, readVersions, closedThrough, byMbi } = loaded;
      if (loads[c]) {
        for (const [mbi, state] of byMbi) states.set(mbi, state);
        summaries.noteShardRead(chunks[c]!.shard, loaded);
      }
      const commits: Commit[] = [];
      for (const mbi of chunks[c]!.mbis) {
        const state = states.get(mbi)!;
        const change = plan(mbi, state, updates.get(mbi) ?? [], refresh.has(mbi), reference, closedThrough, options);
        // A retried beneficiary's refusals replace those of its earlier attempt.
        if (change.refused.length > 0) refusedBy.set(mbi, change.refused);
        else if (refusedBy.size > 0) refusedBy.delete(mbi);
        if (!change.commit) {
          if (cachedSet.has(mbi)) {
            cache.set(mbi, state);
            if ((updates.get(mbi)?.length ?? 0) > 0) unchecked.push(mbi);
          }
          continue;
        }
        commits.push(change.commit);
        next.set(mbi, change.state);
      }
      if (commits.length > 0) sent.push(handledLater(store.commit(commits, options.outboxOwner, readVersions)));
      planned += commits.length;
    }
    // If this throws, whether it was written is unknown: none of these states goes back to the cache.
    const stale = new Set((await Promise.all(sent)).flat());
    for (const [mbi, state] of next) {
      if (stale.has(mbi)) continue;
      summaries.set(mbi, state.version, state.summary);
      if (!(options.summaryOnly && keptBySummary(state))) cache.set(mbi, state);
    }
    committed += planned - stale.size;
    const outdated: string[] = [];
    if (unchecked.length > 0) {
      const versions = await store.versions(unchecked);
      unchecked.forEach((mbi, i) => {
        if (versions[i] !== states.get(mbi)!.version) outdated.push(mbi);
      });
      for (const mbi of outdated) cache.delete(mbi);
    }
    pending = [...stale, ...outdated];
  }
  return { committed, refused: [...refusedBy.values()].flat() };
}

/**
 * One beneficiary's commit: decide() on the state read (or cached), then the decision in the
 * storage's terms (layout.ts): the fact fields to write and delete, the snapshot, the counter
 * deltas, the outbox events. Null when nothing changes; refusals are reported either way.
 */
function plan(
  mbi: string,
  state: BeneficiaryState,
  incoming: IncomingFact[],
  force: boolean,
  reference: Reference,
  closedThrough: number | null,
  options: ApplyOptions,
): { commit: Commit | null; state: BeneficiaryState; refused: IncomingFact[] } {
  const d = decide(mbi, state, incoming, { reference, closedThrough, force, transform: options.transform });
  if (d === null) return { commit: null, state, refused: [] };
  const factPairs: string[] = [];
  for (const f of d.accepted) {
    const field = factField(f.section, f.id);
    factPairs.push(field, encodeFact(field, f.value));
  }
  for (const f of d.added) {
    const field = factField(f.section, f.id);
    factPairs.push(field, encodeFact(field, f.value));
  }
  const removeFields = d.removed.map((f) => factField(f.section, f.id));
  const version = newVersion();
  if (d.totalsOnly) {
    if (factPairs.length === 0) return { commit: null, state, refused: d.refused };
    // Records added to totals change the summary only when the beneficiary starts counting in an ACO-year.
    let startsCounting = false;
    for (const delta of d.acoDeltas.values()) if (delta.beneficiaries !== 0) startsCounting = true;
    const summary =
      state.summary !== '' && !startsCounting ? state.summary : encodeSummary(summaryOf(d.derived, d.facts));
    // The stored snapshot stays: it does not hold totals (derived again from the facts on read).
    const commit: Commit = {
      mbi,
      expectedVersion: state.version,
      newVersion: version,
      snapshot: '',
      summary: summary === state.summary ? '' : summary,
      factPairs,
      removeFields,
      acoDeltas: d.acoDeltas,
      events: [],
      reconPairs: [],
      episodesChanged: '',
    };
    return {
      commit,
      state: { version, facts: d.facts, derived: d.derived, snapshot: state.snapshot, summary },
      refused: d.refused,
    };
  }
  const events = [
    ...d.reconciliations.map(reconciliationEvent),
    ...d.raised.map((a) => alertEvent(mbi, a, 'RAISED')),
    ...d.withdrawn.map((a) => alertEvent(mbi, a, 'WITHDRAWN')),
  ];
  const reconPairs = d.reconciliations.flatMap((r) => [reconciliationField(r), JSON.stringify(r)]);
  // A snapshot with nothing in it is not stored where none is: a beneficiary with claim records and
  // no stay, episode or alert then has no state hash at all (restoreDerived and the export take a
  // missing snapshot as empty). One that held something is rewritten, empty, as before.
  const derivedSnapshot = snapshotJson(d.derived);
  const snapshot = derivedSnapshot === NOTHING_DERIVED && state.snapshot === '' ? '' : derivedSnapshot;
  const summary = encodeSummary(summaryOf(d.derived, d.facts));
  if (
    factPairs.length === 0 &&
    removeFields.length === 0 &&
    events.length === 0 &&
    snapshot === state.snapshot &&
    summary === state.summary &&
    d.acoDeltas.size === 0
  ) {
    return { commit: null, state, refused: d.refused };
  }
  const had = state.derived.episodes.length > 0;
  const has = d.derived.episodes.length > 0;
  const commit: Commit = {
    mbi,
    expectedVersion: state.version,
    newVersion: version,
    snapshot: snapshot === state.snapshot ? '' : snapshot,
    summary: summary === state.summary ? '' : summary,
    factPairs,
    removeFields,
    acoDeltas: d.acoDeltas,
    events: events.map((e) => JSON.stringify(e)),
    reconPairs,
    episodesChanged: had === has ? '' : has ? '+' : '-',
  };
  return { commit, state: { version, facts: d.facts, derived: d.derived, snapshot, summary }, refused: d.refused };
}
