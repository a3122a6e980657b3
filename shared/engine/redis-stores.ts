import type { Redis } from 'ioredis';
import type { AcoContract } from '../domain/mssp.ts';
import type { ReconciliationRecord } from '../domain/reconciliation-record.ts';
import { unlinkMatching } from '../redis/unlink-matching.ts';
import { BeneficiaryStore, newVersion } from './beneficiary-store.ts';
import { ADVANCE_CLOCK_SCRIPT, APPEND_SCRIPT, OUTBOX_ACK_SCRIPT, RECORD_APPLIED_SCRIPT } from './commit-script.ts';
import { reconciliationField } from './events.ts';
import { parseFactField, redisKeys, type RedisKeys } from './layout.ts';
import type {
  AppliedOffsetsStore,
  ClockStore,
  CountsStore,
  OutboxStore,
  ReadStore,
  ReferenceStore,
  Stores,
} from './stores.ts';

/** The stores over one Redis (stores.ts): the product's storage. */
export function redisStores(redis: Redis, prefix: string): Stores & { keys: RedisKeys } {
  const keys = redisKeys(prefix);
  redis.defineCommand('vbcOutboxAck', { numberOfKeys: 1, lua: OUTBOX_ACK_SCRIPT });
  redis.defineCommand('vbcAppend', { numberOfKeys: 3, lua: APPEND_SCRIPT });
  redis.defineCommand('vbcAdvanceClock', { numberOfKeys: 4, lua: ADVANCE_CLOCK_SCRIPT });
  redis.defineCommand('vbcRecordApplied', { numberOfKeys: 1, lua: RECORD_APPLIED_SCRIPT });
  const scripts = redis as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>;
  const call = (name: string, ...args: (string | number)[]) => scripts[name]!.apply(redis, args);

  const outbox: OutboxStore = {
    append: async (owner, events, records) => {
      const pairs = records.flatMap((r) => [reconciliationField(r), JSON.stringify(r)]);
      await call(
        'vbcAppend',
        keys.outbox(owner),
        keys.outboxSeq,
        keys.reconciliations,
        JSON.stringify(events),
        JSON.stringify(pairs),
      );
    },
    head: (owner, n) => redis.lrange(keys.outbox(owner), 0, n - 1),
    ack: async (owner, first, n) => {
      await call('vbcOutboxAck', keys.outbox(owner), first, n);
    },
    pending: async (owners) =>
      ((await pipelined(redis, owners, (p, o) => p.llen(keys.outbox(o)))) as number[]).reduce(
        (n, v) => n + Number(v ?? 0),
        0,
      ),
    discard: async (owners) => {
      if (owners.length > 0) await redis.del(...owners.map((o) => keys.outbox(o)));
    },
  };

  const clock: ClockStore = {
    advance: async (partition, latest, quorum, earliest) => {
      const pairs: string[] = [];
      for (const r of latest) pairs.push(r.thruDate.replaceAll('-', ''), r.claimId);
      await call(
        'vbcAdvanceClock',
        keys.eventClock,
        keys.partitionClocks,
        keys.earliestClaim,
        keys.partitionLatest(partition),
        String(partition),
        earliest,
        String(quorum),
        ...pairs,
      );
    },
    eventClock: () => redis.get(keys.eventClock),
    partitionClocks: () => redis.hgetall(keys.partitionClocks),
    expiry: async () => {
      const [closed, compacted, earliest] = await redis.mget(
        keys.closedThrough,
        keys.compactedThrough,
        keys.earliestClaim,
      );
      return {
        closedThrough: closed === null ? null : Number(closed),
        compactedThrough: compacted === null ? null : Number(compacted),
        earliestClaim: earliest ?? null,
      };
    },
    closeThrough: async (year) => Number(await redis.eval(RAISE_SCRIPT, 1, keys.closedThrough, String(year))),
    setCompactedThrough: async (year) => {
      await redis.set(keys.compactedThrough, String(year));
    },
    lastScheduledRun: () => redis.get(keys.lastScheduledRun),
    setLastScheduledRun: async (asOf) => {
      if (asOf === null) await redis.del(keys.lastScheduledRun);
      else await redis.set(keys.lastScheduledRun, asOf);
    },
  };

  const reference: ReferenceStore = {
    save: async (contracts, prices) => {
      // One transaction: the prices and their version change together (see the commit script). A
      // version no earlier price set had, also across a reset (which starts the key over): a service
      // that cached prices read under an equal counter would go on using them.
      const tx = redis.multi();
      for (const c of contracts) tx.hset(keys.contracts, `${c.acoId}|${c.performanceYear}`, JSON.stringify(c));
      for (const p of prices) tx.hset(keys.prices, p.key, String(p.targetPriceCents));
      if (prices.length > 0) tx.set(keys.pricesVersion, newVersion());
      await tx.exec();
    },
    contracts: async () => Object.values(await redis.hgetall(keys.contracts)).map((j) => JSON.parse(j) as AcoContract),
    reconciliations: async () => {
      const hash = await redis.hgetall(keys.reconciliations);
      return Object.keys(hash)
        .sort()
        .map((k) => JSON.parse(hash[k]!) as ReconciliationRecord);
    },
    restoreReconciliations: async (records) => {
      if (records.length > 0)
        await redis.hset(keys.reconciliations, ...records.flatMap((r) => [reconciliationField(r), JSON.stringify(r)]));
    },
  };

  const applied: AppliedOffsetsStore = {
    record: (groupId, field, expectedAtLeast, next) =>
      call('vbcRecordApplied', keys.appliedOffsets(groupId), field, expectedAtLeast ?? '', next) as Promise<
        string | null
      >,
    held: (groupId, fields) => redis.hmget(keys.appliedOffsets(groupId), ...fields),
    onReconnect: (listener) => {
      redis.on('ready', listener);
      return () => redis.off('ready', listener);
    },
  };

  const reads: ReadStore = {
    beneficiaries: () => redis.smembers(keys.beneficiaries),
    scanBeneficiaries: (cursor, count) => redis.sscan(keys.beneficiaries, cursor, 'COUNT', count),
    episodeBeneficiaries: () => redis.smembers(keys.episodeBeneficiaries),
    acoYears: () => redis.smembers(keys.acoIndex),
    acoTotals: (acoYears) =>
      pipelined(redis, acoYears, (p, k) => p.hgetall(keys.aco(k))) as Promise<Record<string, string>[]>,
    snapshots: (mbis) => pipelined(redis, mbis, (p, mbi) => p.hget(keys.state(mbi), 'd')) as Promise<(string | null)[]>,
    closureFacts: async (mbis) =>
      ((await pipelined(redis, mbis, (p, mbi) => p.hgetall(keys.facts(mbi)))) as Record<string, string>[]).map((hash) =>
        Object.entries(hash)
          .filter(([f]) => parseFactField(f)?.section === 'closures')
          .flat(),
      ),
    restoreFacts: async (mbi, pairs) => {
      if (pairs.length > 0) await redis.hset(keys.facts(mbi), ...pairs);
    },
  };

  const counts: CountsStore = {
    deadLettered: async (topic, n) => {
      await redis.hincrby(keys.deadLettered, topic, n);
    },
    deadLetteredByTopic: () => redis.hgetall(keys.deadLettered),
  };

  return {
    keys,
    beneficiaries: new BeneficiaryStore(redis, prefix),
    outbox,
    clock,
    reference,
    applied,
    reads,
    counts,
    deleteAll: () => unlinkMatching(redis, keys.pattern),
  };
}

/** One pipelined round trip for a command per item, in slices of 1,000 (a large installation has millions). */
async function pipelined<T>(
  redis: Redis,
  items: string[],
  add: (p: ReturnType<Redis['pipeline']>, item: string) => void,
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < items.length; i += 1000) {
    const p = redis.pipeline();
    for (const item of items.slice(i, i + 1000)) add(p, item);
    for (const [error, value] of (await p.exec()) ?? []) {
      if (error) throw error;
      out.push(value as T);
    }
  }
  return out;
}

/** Sets a number key to ARGV[1] if it is higher than the one held (or none is); returns what it holds. */
const RAISE_SCRIPT = `
local held = redis.call('GET', KEYS[1])
if not held or tonumber(ARGV[1]) > tonumber(held) then redis.call('SET', KEYS[1], ARGV[1]) return ARGV[1] end
return held
`;
