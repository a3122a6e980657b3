import { AppError, ErrorCode } from '../errors/app-error.ts';
import { derive, snapshotJson, type Derived } from '../domain/derive.ts';
import { counterDeltas, diff } from '../domain/diff.ts';
import { addTotals, changesOnlyTotals } from '../domain/evolve.ts';
import { FACT_SECTIONS, type BeneficiaryFacts, type ClaimFact, type Reference } from '../domain/facts.ts';
import { newVersion, SLICE, type BeneficiaryStore, type Commit, type Loaded } from './beneficiary-store.ts';
import { alertEvent, type OutboxEvent } from './events.ts';
import { decodeFact, encodeFact } from './fact-codec.ts';
import { StateCache, type BeneficiaryState } from './state-cache.ts';

/**
 * A fact to store for a beneficiary: its field, its encoding as stored (fact-codec.ts) and, when
 * the caller has it, the parsed value (saves decoding it back). `overwrite`: a later record for
 * the same id replaces it (ADT corrections); otherwise the first one held stays (claims, attribution).
 */
export interface FactUpdate {
  field: string;
  json: string;
  value?: unknown;
  overwrite: boolean;
  /** The performance year a claim counts in: refused if new once that year is closed (expiry.ts). */
  year?: number;
  /** Refuse it unless already held: its year was closed by the event clock of its partition. */
  refuseIfNew?: boolean;
  /** What the caller made it from, handed back with a refusal. */
  origin?: unknown;
}

/** Extra work on a beneficiary's freshly derived state (reconciliation closes episodes this way). */
export type Extension = (
  mbi: string,
  facts: BeneficiaryFacts,
  derived: Derived,
  reference: Reference,
) => {
  factPairs: string[];
  events: OutboxEvent[];
  reconPairs: string[];
  derived: Derived;
  /** Fact fields to delete, and the facts without them (expiry replaces records by a summary). */
  removed?: { fields: string[]; facts: BeneficiaryFacts };
} | null;

export interface ApplyOptions {
  overrunThresholds: number[];
  outboxOwner: string;
  /** Re-derive these beneficiaries even without new facts (reference data changed). */
  refresh?: Iterable<string>;
  extension?: Extension;
  maxAttempts?: number;
  /** States this caller committed before: beneficiaries found here are not read from Redis. */
  cache?: StateCache;
}

/**
 * Stores facts and applies their consequences for many beneficiaries: pipelined reads of those not
 * cached, derive and diff (or the incremental path) per beneficiary, pipelined commits (slices,
 * each all or nothing). A fact already held is a no-op, so redelivery and replay change nothing; beneficiaries
 * another writer changed meanwhile are re-read and recomputed.
 */
export async function applyUpdates(
  store: BeneficiaryStore,
  updates: Map<string, FactUpdate[]>,
  options: ApplyOptions,
): Promise<{ committed: number; refused: FactUpdate[] }> {
  const refresh = new Set(options.refresh ?? []);
  const cache = options.cache ?? new StateCache(0);
  let pending = [...new Set([...updates.keys(), ...refresh])];
  let committed = 0;
  const refusedBy = new Map<string, FactUpdate[]>();
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
    const chunks: string[][] = [];
    for (let i = 0; i < pending.length; i += SLICE) chunks.push(pending.slice(i, i + SLICE));
    // A chunk with nothing to read uses what the chunk before it read of the prices and closed year.
    const loads = chunks.map((chunk, c) => {
      const missing = chunk.filter((mbi) => !cachedSet.has(mbi));
      return c === 0 || missing.length > 0 ? handledLater(store.load(missing, options.overrunThresholds)) : null;
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
      if (loads[c]) for (const [mbi, state] of byMbi) states.set(mbi, state);
      const commits: Commit[] = [];
      for (const mbi of chunks[c]!) {
        const state = states.get(mbi)!;
        const closure: Closure = { closedThrough, refused: null };
        const change = plan(mbi, state, updates.get(mbi) ?? [], refresh.has(mbi), reference, options, closure);
        // A retried beneficiary's refusals replace those of its earlier attempt.
        if (closure.refused) refusedBy.set(mbi, closure.refused);
        else if (refusedBy.size > 0) refusedBy.delete(mbi);
        if (!change) {
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
    for (const [mbi, state] of next) if (!stale.has(mbi)) cache.set(mbi, state);
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
 * A read or commit sent without waiting for it. Its failure is handled where it is awaited; if
 * something throws before that, it must not also surface as an unhandled rejection.
 */
function handledLater<T>(result: Promise<T>): Promise<T> {
  result.catch(() => undefined);
  return result;
}

/** Claims of closed years: refused when new (the records they could duplicate may be folded away). */
interface Closure {
  closedThrough: number | null;
  /** The records refused (made when the first one is). */
  refused: FactUpdate[] | null;
}

/**
 * Adds the new facts to `facts` (in place: the caller owns the state) and their stored pairs to
 * `factPairs`. A fact already held is a no-op before anything else, so a redelivered claim of a
 * closed year is a duplicate, not a refusal. The commit checks the closed year read with the
 * state, so no claim of a year slips in while the year's records are being folded. `fresh` gets
 * the new claim records, and whether any other fact was added or replaced.
 */
function addFacts(
  facts: BeneficiaryFacts,
  updates: FactUpdate[],
  factPairs: string[],
  closure: Closure,
  fresh: Fresh,
): void {
  for (const u of updates) {
    const section = FACT_SECTIONS[u.field.slice(0, 1)]!;
    const id = u.field.slice(2);
    const held = facts[section].get(id);
    if (held !== undefined && (!u.overwrite || encodeFact(u.field, held) === u.json || !supersedes(u, held))) continue;
    if (u.refuseIfNew || (u.year !== undefined && closure.closedThrough !== null && u.year <= closure.closedThrough)) {
      (closure.refused ??= []).push(u);
      continue;
    }
    const value = u.value ?? decodeFact(u.field, u.json);
    (facts[section] as Map<string, unknown>).set(id, value);
    factPairs.push(u.field, u.json);
    if (section === 'claims' && held === undefined) fresh.claims.push(value as ClaimFact);
    else fresh.other = true;
  }
}

/**
 * Whether an overwriting record replaces the one held: ADT records of one encounter on one topic
 * replace each other in offset order (contract 1.3), so an older one redelivered after a newer one
 * changes nothing. Records without a position (tests, earlier versions) replace as they come.
 */
function supersedes(u: FactUpdate, held: unknown): boolean {
  const heldSeq = (held as { seq?: string }).seq ?? '';
  const newSeq = ((u.value ?? JSON.parse(u.json)) as { seq?: string }).seq ?? '';
  return newSeq === '' || heldSeq === '' || newSeq > heldSeq;
}

interface Fresh {
  claims: ClaimFact[];
  other: boolean;
}

/** Whether every new fact is a claim record that changes only totals (evolve.ts). */
function onlyTotals(fresh: Fresh, state: BeneficiaryState): boolean {
  return !fresh.other && fresh.claims.every((c) => changesOnlyTotals(c, state.derived, state.facts));
}

function plan(
  mbi: string,
  state: BeneficiaryState,
  updates: FactUpdate[],
  force: boolean,
  reference: Reference,
  options: ApplyOptions,
  closure: Closure,
): { commit: Commit; state: BeneficiaryState } | null {
  const factPairs: string[] = [];
  const removeFields: string[] = [];
  const fresh: Fresh = { claims: [], other: false };
  let facts = state.facts;
  addFacts(facts, updates, factPairs, closure, fresh);
  if (factPairs.length === 0 && !force) return null;

  // The bulk of a claims feed: new records that can only add to totals are added to the derived
  // state as they are, the outputs are their contributions; the snapshot stays as stored.
  if (!force && !options.extension && onlyTotals(fresh, state)) {
    const acoDeltas = addTotals(state.derived, fresh.claims, [...facts.attributions.values()]);
    const version = newVersion();
    return {
      commit: {
        mbi,
        expectedVersion: state.version,
        newVersion: version,
        snapshot: '',
        factPairs,
        removeFields,
        acoDeltas,
        events: [],
        reconPairs: [],
        episodesChanged: '',
      },
      state: { version, facts, derived: state.derived, snapshot: state.snapshot },
    };
  }

  let derived = derive(mbi, facts, reference);
  const events: OutboxEvent[] = [];
  const reconPairs: string[] = [];
  const extra = options.extension?.(mbi, facts, derived, reference);
  if (extra) {
    if (extra.removed) {
      removeFields.push(...extra.removed.fields);
      facts = extra.removed.facts;
    }
    factPairs.push(...extra.factPairs);
    events.push(...extra.events);
    reconPairs.push(...extra.reconPairs);
    derived = extra.derived;
  }
  const changes = diff(state.derived, derived);
  events.push(
    ...changes.raised.map((a) => alertEvent(mbi, a, 'RAISED')),
    ...changes.withdrawn.map((a) => alertEvent(mbi, a, 'WITHDRAWN')),
  );
  const snapshot = snapshotJson(derived);
  const acoDeltas = counterDeltas(changes.acoDeltas);
  if (
    factPairs.length === 0 &&
    removeFields.length === 0 &&
    events.length === 0 &&
    snapshot === state.snapshot &&
    acoDeltas.size === 0
  )
    return null;
  const version = newVersion();
  return {
    commit: {
      mbi,
      expectedVersion: state.version,
      newVersion: version,
      snapshot: snapshot === state.snapshot ? '' : snapshot,
      factPairs,
      removeFields,
      acoDeltas,
      events: events.map((e) => JSON.stringify(e)),
      reconPairs,
      episodesChanged:
        state.derived.episodes.length > 0 === derived.episodes.length > 0
          ? ''
          : derived.episodes.length > 0
            ? '+'
            : '-',
    },
    state: { version, facts, derived, snapshot },
  };
}
