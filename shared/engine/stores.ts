import type { AcoContract } from '../domain/mssp.ts';
import type { ReconciliationRecord } from '../domain/reconciliation-record.ts';
import type { Reference } from '../domain/facts.ts';
import type { AcoDelta } from '../domain/facts.ts';
import type { BeneficiaryState } from './state-cache.ts';

/**
 * The engine's storage, as the rest of the product sees it: small stores with one job each, all
 * behind interfaces, so the services run the same against Redis (redis-stores.ts, the product) and
 * against memory (memory-stores.ts, the broker-free test driver). Nothing outside the engine
 * speaks Redis.
 */

/** A beneficiary's change, computed from the state at `expectedVersion`. */
export interface Commit {
  mbi: string;
  expectedVersion: string;
  /** The derived snapshot to store (snapshotJson), or '' to leave the stored one as it is. */
  snapshot: string;
  /** The totals summary to store (summary-codec.ts), or '' to leave the stored one as it is. */
  summary: string;
  /** Fact field/JSON pairs to store. */
  factPairs: string[];
  /** Fact fields to delete (expired records folded into a summary). */
  removeFields?: string[];
  /** The version the commit writes (default: a fresh one from newVersion()). */
  newVersion?: string;
  /**
   * Planned without reading whether the beneficiary holds its records (SummaryCache): refused, as
   * stale, if it holds any of `factPairs`' fields.
   */
  mustBeNew?: boolean;
  /**
   * Whether the beneficiary starts or stops having episodes ('+', '-'), or neither (''): keeps the
   * set of beneficiaries with episodes.
   */
  episodesChanged: '+' | '-' | '';
  /** Increments of ACO totals by `ACO|year` (the domain's deltas; layout.ts makes them counter fields). */
  acoDeltas: ReadonlyMap<string, AcoDelta>;
  events: string[];
  reconPairs: string[];
}

/**
 * The version of a beneficiary with nothing stored: what a read gives for it, and what a commit of
 * its first records expects (the commit script checks it as stored, `or '0'`).
 */
export const NO_VERSION = '0';

/** What a read of a shard said of the prices version and the closed year (what a commit checks). */
export interface ShardRead {
  /** What the state was read under, for the commit to check: 'pricesVersion|closedThrough'. */
  readVersions: string;
  /** Claims of years up to this one are refused (null: none closed). */
  closedThrough: number | null;
}

/** A ShardRead from the prices version and the closed year as stored ('' when none is closed). */
export function shardRead(pricesVersion: string, closed: string): ShardRead {
  return { readVersions: `${pricesVersion}|${closed}`, closedThrough: closed === '' ? null : Number(closed) };
}

export interface Loaded extends ShardRead {
  reference: Reference;
  byMbi: Map<string, BeneficiaryState>;
}

/** What the incremental path reads of a beneficiary instead of its facts (SUMMARY_LOAD_SCRIPT). */
export interface SummaryRead {
  version: string;
  /** The stored totals summary ('' when none is stored: the beneficiary must be read whole). */
  summary: string;
  /** For each fact field asked, whether the beneficiary holds it. */
  held: readonly boolean[];
}

export interface SummariesLoaded extends ShardRead {
  byMbi: Map<string, SummaryRead>;
}

/** Per-beneficiary facts and derived state, read and committed atomically with their consequences. */
export interface BeneficiaryStateStore {
  /** The state shard a beneficiary's facts live in (shards.ts); a commit call holds one shard's. */
  shardOf(mbi: string): number;
  /**
   * Facts, version and derived state of some beneficiaries, plus the reference data and the closed
   * year as their shard holds them (`shard`: whose, when the list is empty). A commit checks the
   * readVersions of the load it was planned on: load one shard's beneficiaries to commit them.
   */
  load(mbis: string[], overrunThresholds: number[], shard?: number): Promise<Loaded>;
  /**
   * Versions and totals summaries of one shard's beneficiaries, and whether each holds the fact
   * fields given for it (`fields[i]` for `mbis[i]`): the incremental path's read, none of the facts.
   */
  loadSummaries(shard: number, mbis: string[], fields: string[][]): Promise<SummariesLoaded>;
  /**
   * One slice's commits (one shard's). Those computed from a state that is no longer the stored one
   * (stale: another writer, a record held already when `mustBeNew`) are refused and returned; the
   * others are committed, all or nothing. All are refused when the prices or closed year changed.
   */
  commit(commits: Commit[], outboxOwner: string, readVersions: string): Promise<string[]>;
  /** The stored version of each beneficiary (NO_VERSION: none yet). */
  versions(mbis: string[]): Promise<string[]>;
}

/**
 * Events waiting to be published, per owner and shard, in commit order within each (each entry
 * `sequence|event json`; a beneficiary's events are all in its shard's, so in its order).
 */
export interface OutboxStore {
  /** How many shards hold an outbox per owner. */
  readonly shards: number;
  /** Appends events and reconciliation records that belong to no beneficiary (MSSP, TEAM hospitals): to shard 0. */
  append(owner: string, events: string[], reconciliations: ReconciliationRecord[]): Promise<void>;
  head(owner: string, shard: number, n: number): Promise<string[]>;
  /** Removes the first n entries if the head is still `first` (two relays never trim what neither sent). */
  ack(owner: string, shard: number, first: string, n: number): Promise<void>;
  /** Entries not yet published, over these owners. */
  pending(owners: string[]): Promise<number>;
  /** Drops the outboxes of these owners (a rebuild publishes nothing again). */
  discard(owners: string[]): Promise<void>;
}

/** Event time and the decisions made in it: the quorum clock, closed years, the schedule's bookmark. */
export interface ClockStore {
  /**
   * Offers a claims partition's latest records to its quorum clock (ADVANCE_CLOCK_SCRIPT); keeps the earliest claim
   * date.
   */
  advance(
    partition: number,
    latest: { thruDate: string; claimId: string }[],
    quorum: number,
    earliest: string,
  ): Promise<void>;
  /** The product's event clock (the median of the partitions'), null before any. */
  eventClock(): Promise<string | null>;
  partitionClocks(): Promise<Record<string, string>>;
  /** The latest closed year, the latest folded one, and the earliest claim date stored. */
  expiry(): Promise<{ closedThrough: number | null; compactedThrough: number | null; earliestClaim: string | null }>;
  /** Closes years up to `year` (never moves back); returns the latest year closed. */
  closeThrough(year: number): Promise<number>;
  setCompactedThrough(year: number): Promise<void>;
  lastScheduledRun(): Promise<string | null>;
  setLastScheduledRun(asOf: string | null): Promise<void>;
}

/** Reference data: ACO contracts and episode prices, and the latest reconciliation per subject. */
export interface ReferenceStore {
  /** Stores contracts and prices in one transaction; a price change gives the prices a new version. */
  save(contracts: AcoContract[], prices: { key: string; targetPriceCents: number }[]): Promise<void>;
  contracts(): Promise<AcoContract[]>;
  /** The latest reconciliation of each subject (`kind|subjectId`). */
  reconciliations(): Promise<ReconciliationRecord[]>;
  /** Carried over by a rebuild: the latest reconciliations as they were. */
  restoreReconciliations(records: ReconciliationRecord[]): Promise<void>;
}

/** How far a consumer group's records are applied in this store (shared/service/applied-offsets.ts). */
export interface AppliedOffsetsStore {
  /**
   * Records `next` for `topic|partition` unless the store holds less than `expectedAtLeast`: then returns what it
   * holds.
   */
  record(groupId: string, field: string, expectedAtLeast: string | null, next: string): Promise<string | null>;
  held(groupId: string, fields: string[]): Promise<(string | null)[]>;
  /** Calls `listener` whenever the store's connection comes back (a failover); returns how to stop. */
  onReconnect(listener: () => void): () => void;
}

/** What the views read: totals, beneficiaries' derived snapshots, who has episodes. */
export interface ReadStore {
  beneficiaries(): Promise<string[]>;
  /** A page of beneficiaries (for passes over all of them): the next cursor ('0' at the end) and the page. */
  scanBeneficiaries(cursor: string, count: number): Promise<[string, string[]]>;
  episodeBeneficiaries(): Promise<string[]>;
  acoYears(): Promise<string[]>;
  /** Each ACO-year total's counters as stored (layout.ts reads them: acoTotalsOf). */
  acoTotals(acoYears: string[]): Promise<Record<string, string>[]>;
  /** Each beneficiary's stored derived snapshot (null when none). */
  snapshots(mbis: string[]): Promise<(string | null)[]>;
  /** Each beneficiary's closure facts (field/json pairs): operator decisions a rebuild carries over. */
  closureFacts(mbis: string[]): Promise<string[][]>;
  restoreFacts(mbi: string, pairs: string[]): Promise<void>;
}

/** Counts kept beside the state (dead-lettered records by topic). */
export interface CountsStore {
  deadLettered(topic: string, n: number): Promise<void>;
  deadLetteredByTopic(): Promise<Record<string, string>>;
}

export interface Stores {
  beneficiaries: BeneficiaryStateStore;
  outbox: OutboxStore;
  clock: ClockStore;
  reference: ReferenceStore;
  applied: AppliedOffsetsStore;
  reads: ReadStore;
  counts: CountsStore;
  /** Deletes all of this product's state (vbc reset, rebuild); returns how many keys or entries went. */
  deleteAll(): Promise<number>;
}
