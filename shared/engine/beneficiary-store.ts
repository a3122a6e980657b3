import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../redis/client.ts';
import { restoreDerived } from '../domain/derive.ts';
import { emptyFacts, type BeneficiaryFacts } from '../domain/facts.ts';
import type { BeneficiaryState } from './state-cache.ts';
import { decodeFact } from './fact-codec.ts';
import { COMMIT_SCRIPT, LOAD_SCRIPT, SUMMARY_LOAD_SCRIPT } from './commit-script.ts';
import {
  NO_VERSION,
  shardRead,
  type BeneficiaryStateStore,
  type Commit,
  type Loaded,
  type SummariesLoaded,
  type SummaryRead,
} from './stores.ts';

export type { Commit, Loaded };
import { M, metrics } from '../metrics/registry.ts';
import {
  addCounterDeltas,
  parseFactField,
  SUMMARY_FIELD,
  VERSION_FIELD,
  type CounterDeltas,
  type RedisKeys,
} from './layout.ts';
import { mbisByShard, shardOf, type ChunkLimits } from './shards.ts';
import { groupByShard } from '../redis/by-shard.ts';

const INSTANCE = randomBytes(6).toString('base64url');
let commitsMade = 0;

/** A version token no other commit, in this process or any other, writes. */
export function newVersion(): string {
  return `${INSTANCE}.${(commitsMade++).toString(36)}`;
}

/**
 * What one load or commit call holds at most (one script call each; the caller cuts its batch into
 * slices of this size): large enough to amortise the call, small enough not to hold Redis up. A
 * script's time follows the records it writes, not only the beneficiaries: at 400 beneficiaries
 * of four new records each, a claims commit held Redis for 10 to 56 ms (its slow log and latency
 * monitor in `npm run bench`), and every command of the ADT services waited behind it.
 */
export const SLICE: ChunkLimits = { beneficiaries: 400, records: 400 };

/**
 * The same for the whole path, whose load reads each beneficiary's every fact (a few to hundreds),
 * not only the records coming in: fewer beneficiaries a call, for the same reason.
 */
export const WHOLE_SLICE: ChunkLimits = { beneficiaries: 100, records: 400 };

/** A facts hash read whole: its facts, and its version and totals summary (layout.ts) when stored. */
function parseFactsHash(flat: string[]): { facts: BeneficiaryFacts; version: string; summary: string } {
  const facts = emptyFacts();
  let version = NO_VERSION;
  let summary = '';
  for (let i = 0; i < flat.length; i += 2) {
    const field = flat[i]!;
    const at = parseFactField(field);
    if (at) (facts[at.section] as Map<string, unknown>).set(at.id, decodeFact(field, flat[i + 1]!));
    else if (field === VERSION_FIELD) version = flat[i + 1]!;
    else if (field === SUMMARY_FIELD) summary = flat[i + 1]!;
  }
  return { facts, version, summary };
}

/** Appends a list to a script's flat array as the scripts read it (commit-script.ts): its length, then its items. */
function pushCounted(into: (string | number)[], list: readonly string[]): void {
  into.push(list.length);
  for (const item of list) into.push(item);
}

type Scripts = {
  vbcLoad(...a: string[]): Promise<unknown>;
  vbcLoadSummaries(...a: (string | number)[]): Promise<unknown>;
  vbcCommit(...a: (string | number)[]): Promise<unknown>;
};

/**
 * Per-beneficiary facts and derived state in Redis (stores.ts). A load or commit is one script call
 * on one shard (its keys share a hash slot); reads of beneficiaries of several shards go out as one
 * pipeline per shard, side by side.
 */
export class BeneficiaryStore implements BeneficiaryStateStore {
  /** Prices as of a version: re-read only when a price change bumped the version (every shard holds the same copy). */
  private prices: { version: string; byKey: Record<string, number> } = { version: '', byKey: {} };

  constructor(
    readonly redis: RedisClient,
    readonly keys: RedisKeys,
  ) {
    redis.defineCommand('vbcCommit', { lua: COMMIT_SCRIPT });
    redis.defineCommand('vbcLoad', { lua: LOAD_SCRIPT });
    redis.defineCommand('vbcLoadSummaries', { lua: SUMMARY_LOAD_SCRIPT });
  }

  shardOf(mbi: string): number {
    return shardOf(mbi, this.keys.shards);
  }

  /** The stored version of each beneficiary (NO_VERSION: none yet). */
  async versions(mbis: string[]): Promise<string[]> {
    const out = await groupByShard(
      this.redis,
      this.keys.shards,
      mbis,
      (mbi) => this.shardOf(mbi),
      (p, mbi) => p.hget(this.keys.of(mbi).facts(mbi), VERSION_FIELD),
    );
    return out.map((v) => (v as string | null) ?? NO_VERSION);
  }

  /**
   * Facts, version and derived state of beneficiaries, plus the reference data and the closed year
   * as the shard holds them: one script call per shard (`shard` says which for an empty list). What a
   * commit checks (readVersions) is the first shard's: callers that commit load one shard at a time.
   */
  async load(mbis: string[], overrunThresholds: number[], shard?: number): Promise<Loaded> {
    const byShard = mbisByShard(mbis, (mbi) => this.shardOf(mbi));
    if (byShard.size === 0) byShard.set(shard ?? 0, []);
    const parts = await Promise.all([...byShard].map(([s, list]) => this.loadShard(s, list)));
    const byMbi = new Map<string, BeneficiaryState>();
    for (const part of parts) for (const [mbi, state] of part.byMbi) byMbi.set(mbi, state);
    const { readVersions, closedThrough } = parts[0]!;
    return { reference: { prices: this.prices.byKey, overrunThresholds }, readVersions, closedThrough, byMbi };
  }

  private async loadShard(shard: number, mbis: string[]) {
    const k = this.keys.shard(shard);
    const keys = [k.prices, k.pricesVersion, k.closedThrough];
    for (const mbi of mbis) keys.push(k.facts(mbi), k.state(mbi));
    const started = performance.now();
    const out = (await (this.redis as unknown as Scripts).vbcLoad(
      String(keys.length),
      ...keys,
      this.prices.version,
    )) as [string, string[] | null, string, ...unknown[]];
    metrics.observe(...M.redisSeconds, { op: 'load' }, (performance.now() - started) / 1000);
    const [pricesVersion, prices, closed] = out;
    if (prices) {
      const byKey: Record<string, number> = {};
      for (let i = 0; i < prices.length; i += 2) byKey[prices[i]!] = Number(prices[i + 1]);
      this.prices = { version: pricesVersion, byKey };
    }
    const byMbi = new Map<string, BeneficiaryState>();
    mbis.forEach((mbi, i) => {
      const snapshot = (out[4 + 2 * i] as string | null) ?? '';
      const { facts, version, summary } = parseFactsHash(out[3 + 2 * i] as string[]);
      byMbi.set(mbi, { facts, version, derived: restoreDerived(snapshot, facts), snapshot, summary });
    });
    if (this.prices.version !== pricesVersion) this.prices = { version: '', byKey: {} };
    return { ...shardRead(pricesVersion, closed), byMbi };
  }

  async loadSummaries(shard: number, mbis: string[], fields: string[][]): Promise<SummariesLoaded> {
    const k = this.keys.shard(shard);
    const keys = [k.pricesVersion, k.closedThrough];
    // Each beneficiary's fields after their number, in one flat array (commit-script.ts).
    const asked: (string | number)[] = [];
    mbis.forEach((mbi, i) => {
      keys.push(k.facts(mbi));
      pushCounted(asked, fields[i]!);
    });
    const started = performance.now();
    const out = (await (this.redis as unknown as Scripts).vbcLoadSummaries(
      keys.length,
      ...keys,
      JSON.stringify(asked),
    )) as (string | number | null)[];
    metrics.observe(...M.redisSeconds, { op: 'load' }, (performance.now() - started) / 1000);
    // The version, the summary and a 1 or 0 per field asked, beneficiary after beneficiary.
    const byMbi = new Map<string, SummaryRead>();
    let at = 2;
    mbis.forEach((mbi, i) => {
      const count = fields[i]!.length;
      const held: boolean[] = new Array<boolean>(count);
      for (let f = 0; f < count; f++) held[f] = out[at + 2 + f] === 1;
      byMbi.set(mbi, {
        version: (out[at] as string | null) ?? NO_VERSION,
        summary: (out[at + 1] as string | null) ?? '',
        held,
      });
      at += 2 + count;
    });
    return { ...shardRead(out[0] as string, out[1] as string), byMbi };
  }

  /**
   * Applies one slice of beneficiaries' commits (of one shard) in one script call, all or nothing;
   * when some were stale, the rest in another (stores.ts). Returns the mbis refused.
   */
  async commit(commits: Commit[], outboxOwner: string, readVersions: string): Promise<string[]> {
    if (commits.length === 0) return [];
    const shard = this.shardOf(commits[0]!.mbi);
    if (commits.some((c) => this.shardOf(c.mbi) !== shard)) throw new Error('one commit call holds one shard');
    const k = this.keys.shard(shard);
    const keys: string[] = [
      k.outbox(outboxOwner),
      k.beneficiaries,
      k.episodeBeneficiaries,
      k.acoIndex,
      k.outboxSeq,
      k.reconciliations,
      k.pricesVersion,
      k.closedThrough,
    ];
    // The slice as the script takes it (commit-script.ts): one flat array, state keys after the facts keys.
    const slice: (string | number)[] = [];
    const stateKeys: string[] = [];
    const fixedKeys = keys.length;
    const acoTotals: CounterDeltas = new Map();
    for (const c of commits) {
      keys.push(k.facts(c.mbi));
      let stateAt = 0;
      if (c.snapshot !== '') {
        stateKeys.push(k.state(c.mbi));
        stateAt = fixedKeys + commits.length + stateKeys.length;
      }
      const removed = c.removeFields ?? [];
      const rest =
        c.episodesChanged !== '' || stateAt > 0 || c.events.length > 0 || c.reconPairs.length > 0 || removed.length > 0;
      const runLength = c.factPairs.length + (c.summary === '' ? 2 : 4);
      slice.push(c.mbi, c.expectedVersion, (c.mustBeNew ? 1 : 0) + (rest ? 2 : 0), c.factPairs.length / 2, runLength);
      for (const part of c.factPairs) slice.push(part);
      slice.push(VERSION_FIELD, c.newVersion ?? newVersion());
      if (c.summary !== '') slice.push(SUMMARY_FIELD, c.summary);
      if (rest) {
        slice.push(c.episodesChanged, c.snapshot, stateAt);
        pushCounted(slice, c.events);
        pushCounted(slice, c.reconPairs);
        pushCounted(slice, removed);
      }
      addCounterDeltas(acoTotals, c.acoDeltas);
    }
    for (const key of stateKeys) keys.push(key);
    const acoKeysAfter = keys.length;
    const totals: (string | number)[] = [];
    for (const [acoYear, fields] of acoTotals) {
      const at = totals.length;
      totals.push(acoYear, 0);
      for (const [f, n] of fields) if (n !== 0) totals.push(f, String(n));
      totals[at + 1] = totals.length - at - 2;
      keys.push(k.aco(acoYear));
    }
    const started = performance.now();
    const stale = (await (this.redis as unknown as Scripts).vbcCommit(
      keys.length,
      ...keys,
      readVersions,
      JSON.stringify(slice),
      JSON.stringify(totals),
      acoKeysAfter,
    )) as number[];
    metrics.observe(...M.redisSeconds, { op: 'commit' }, (performance.now() - started) / 1000);
    if (stale.length === 0) return [];
    if (stale[0] === 0) return commits.map((c) => c.mbi);
    // Nothing was written: the rest of the slice goes again without the stale ones.
    const refused = new Set(stale.map((position) => position - 1));
    const rest = commits.filter((_, i) => !refused.has(i));
    return [...[...refused].map((i) => commits[i]!.mbi), ...(await this.commit(rest, outboxOwner, readVersions))];
  }
}
