import type { Redis } from 'ioredis';
import { emptyDerived, type Derived } from '../domain/derive.ts';
import { emptyFacts, type BeneficiaryFacts, type Reference } from '../domain/facts.ts';
import { ADVANCE_CLOCK_SCRIPT, APPEND_SCRIPT, COMMIT_SCRIPT, OUTBOX_ACK_SCRIPT } from './commit-script.ts';
import { M, metrics } from '../metrics/registry.ts';
import { redisKeys, type RedisKeys } from './keys.ts';

export interface Loaded {
  facts: BeneficiaryFacts;
  /** Facts as stored, by field, to tell a new or changed fact from one already held. */
  raw: Map<string, string>;
  version: string;
  derived: Derived;
}

export interface Commit {
  mbi: string;
  expectedVersion: string;
  derived: Derived;
  factPairs: string[];
  /** [acoYear, redisKey, [field, increment, ...]] */
  acoDeltas: [string, string, (string | number)[]][];
  events: string[];
  reconPairs: string[];
}

const FACT_SECTIONS: Record<string, keyof BeneficiaryFacts> = { c: 'claims', a: 'admissions', d: 'discharges', t: 'attributions', x: 'closures' };

function parseFacts(hash: Record<string, string>): BeneficiaryFacts {
  const facts = emptyFacts();
  for (const [field, json] of Object.entries(hash)) {
    const section = FACT_SECTIONS[field.slice(0, 1)];
    if (section) (facts[section] as Record<string, unknown>)[field.slice(2)] = JSON.parse(json);
  }
  return facts;
}

/** Data access for per-beneficiary facts and derived state; every call is one pipelined round trip. */
export class BeneficiaryStore {
  readonly keys: RedisKeys;

  constructor(readonly redis: Redis, prefix: string) {
    this.keys = redisKeys(prefix);
    redis.defineCommand('vbcCommit', { numberOfKeys: 9, lua: COMMIT_SCRIPT });
    redis.defineCommand('vbcOutboxAck', { numberOfKeys: 1, lua: OUTBOX_ACK_SCRIPT });
    redis.defineCommand('vbcAppend', { numberOfKeys: 3, lua: APPEND_SCRIPT });
    redis.defineCommand('vbcAdvanceClock', { numberOfKeys: 1, lua: ADVANCE_CLOCK_SCRIPT });
  }

  /** Advances the event clock (latest claim thruDate processed) to this date if it is later. */
  async advanceClock(date: string): Promise<void> {
    await (this.redis as unknown as { vbcAdvanceClock(...a: string[]): Promise<number> }).vbcAdvanceClock(this.keys.eventClock, date);
  }

  /** Facts, version and derived state of many beneficiaries, plus the reference data, in one round trip. */
  async load(mbis: string[], overrunThresholds: number[]): Promise<{ reference: Reference; pricesVersion: string; byMbi: Map<string, Loaded> }> {
    const pipeline = this.redis.pipeline();
    pipeline.hgetall(this.keys.prices);
    pipeline.get(this.keys.pricesVersion);
    for (const mbi of mbis) {
      pipeline.hgetall(this.keys.facts(mbi));
      pipeline.hmget(this.keys.state(mbi), 'v', 'd');
    }
    const started = performance.now();
    const results = (await pipeline.exec()) ?? [];
    metrics.observe(...M.redisSeconds, { op: 'load' }, (performance.now() - started) / 1000);
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0];
    const prices: Record<string, number> = {};
    for (const [k, v] of Object.entries((results[0]?.[1] ?? {}) as Record<string, string>)) prices[k] = Number(v);
    const pricesVersion = (results[1]?.[1] as string | null) ?? '0';
    const byMbi = new Map<string, Loaded>();
    mbis.forEach((mbi, i) => {
      const hash = (results[2 + 2 * i]?.[1] ?? {}) as Record<string, string>;
      const [version, derivedJson] = (results[3 + 2 * i]?.[1] ?? [null, null]) as [string | null, string | null];
      byMbi.set(mbi, {
        facts: parseFacts(hash),
        raw: new Map(Object.entries(hash)),
        version: version ?? '0',
        derived: derivedJson ? (JSON.parse(derivedJson) as Derived) : emptyDerived(),
      });
    });
    return { reference: { prices, overrunThresholds }, pricesVersion, byMbi };
  }

  /** Applies many beneficiaries' commits in one pipelined round trip; returns the mbis that conflicted. */
  async commit(commits: Commit[], outboxOwner: string, pricesVersion: string): Promise<string[]> {
    if (commits.length === 0) return [];
    const pipeline = this.redis.pipeline() as unknown as { vbcCommit(...args: string[]): void; exec(): Promise<[Error | null, unknown][] | null> };
    for (const c of commits) {
      pipeline.vbcCommit(
        this.keys.facts(c.mbi), this.keys.state(c.mbi), this.keys.outbox(outboxOwner), this.keys.beneficiaries,
        this.keys.episodeBeneficiaries, this.keys.acoIndex, this.keys.outboxSeq, this.keys.reconciliations, this.keys.pricesVersion,
        c.expectedVersion, JSON.stringify(c.derived), JSON.stringify(c.factPairs), JSON.stringify(c.acoDeltas),
        JSON.stringify(c.events), c.mbi, c.derived.episodes.length > 0 ? '1' : '0', JSON.stringify(c.reconPairs), pricesVersion,
      );
    }
    const started = performance.now();
    const results = (await pipeline.exec()) ?? [];
    metrics.observe(...M.redisSeconds, { op: 'commit' }, (performance.now() - started) / 1000);
    const conflicts: string[] = [];
    results.forEach(([error, applied], i) => {
      if (error) throw error;
      if (applied !== 1) conflicts.push(commits[i]!.mbi);
    });
    return conflicts;
  }

  async append(outboxOwner: string, events: string[], reconPairs: string[]): Promise<void> {
    await (this.redis as unknown as { vbcAppend(...a: string[]): Promise<number> }).vbcAppend(
      this.keys.outbox(outboxOwner), this.keys.outboxSeq, this.keys.reconciliations, JSON.stringify(events), JSON.stringify(reconPairs),
    );
  }

  async outboxHead(owner: string, n: number): Promise<string[]> {
    return this.redis.lrange(this.keys.outbox(owner), 0, n - 1);
  }

  async outboxAck(owner: string, first: string, n: number): Promise<void> {
    await (this.redis as unknown as { vbcOutboxAck(...a: (string | number)[]): Promise<number> }).vbcOutboxAck(this.keys.outbox(owner), first, n);
  }
}
