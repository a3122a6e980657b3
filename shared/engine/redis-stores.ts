import type { ChainableCommander } from 'ioredis';
import type { AcoContract } from '../domain/mssp.ts';
import type { ReconciliationRecord } from '../domain/reconciliation-record.ts';
import { groupByShard } from '../redis/by-shard.ts';
import { isCluster, type RedisClient } from '../redis/client.ts';
import { unlinkMatching } from '../redis/unlink-matching.ts';
import { BeneficiaryStore, newVersion } from './beneficiary-store.ts';
import { ADVANCE_CLOCK_SCRIPT, APPEND_SCRIPT, OUTBOX_ACK_SCRIPT, RECORD_APPLIED_SCRIPT } from './commit-script.ts';
import { reconciliationField } from './events.ts';
import { parseFactField, redisKeys, SNAPSHOT_FIELD, SUMMARY_FIELD, type RedisKeys, type ShardKeys } from './layout.ts';
import type {
  AppliedOffsetsStore,
  ClockStore,
  CountsStore,
  OutboxStore,
  ReadStore,
  ReferenceStore,
  Stores,
} from './stores.ts';

/**
 * The stores over one Redis or a Redis Cluster (stores.ts): the product's storage. State is kept per
 * shard (layout.ts); what a view reads of it is the union or the sum over the shards.
 */
export function redisStores(redis: RedisClient, prefix: string, shards: number): Stores & { keys: RedisKeys } {
  const keys = redisKeys(prefix, shards);
  const everyShard = Array.from({ length: shards }, (_, s) => s);
  redis.defineCommand('vbcOutboxAck', { numberOfKeys: 1, lua: OUTBOX_ACK_SCRIPT });
  redis.defineCommand('vbcAppend', { numberOfKeys: 3, lua: APPEND_SCRIPT });
  redis.defineCommand('vbcAdvanceClock', { numberOfKeys: 4, lua: ADVANCE_CLOCK_SCRIPT });
  redis.defineCommand('vbcRecordApplied', { numberOfKeys: 1, lua: RECORD_APPLIED_SCRIPT });
  const scripts = redis as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>;
  const call = (name: string, ...args: (string | number)[]) => scripts[name]!.apply(redis, args);
  const beneficiaries = new BeneficiaryStore(redis, keys);
  const byBeneficiary = (mbis: string[], add: (p: ChainableCommander, mbi: string) => void) =>
    groupByShard(redis, shards, mbis, (mbi) => beneficiaries.shardOf(mbi), add);
  /** One command per shard and item (an owner, an ACO-year): replies by item, then by shard. */
  const perShard = async <T>(items: T[], add: (p: ChainableCommander, k: ShardKeys, item: T) => void) => {
    const pairs = everyShard.flatMap((s) => items.map((item) => [s, item] as const));
    const replies = await groupByShard(
      redis,
      shards,
      pairs,
      ([s]) => s,
      (p, [s, item]) => add(p, keys.shard(s), item),
    );
    return items.map((_, i) => everyShard.map((s) => replies[s * items.length + i]));
  };
  /** One command on every shard: the replies by shard. */
  const onEveryShard = (add: (p: ChainableCommander, k: ShardKeys) => void) =>
    groupByShard(
      redis,
      shards,
      everyShard,
      (s) => s,
      (p, s) => add(p, keys.shard(s)),
    );
  /** The members of a set kept per shard, once each. */
  const union = async (key: (k: ShardKeys) => string) => [
    ...new Set((await onEveryShard((p, k) => p.smembers(key(k)))).flat() as string[]),
  ];
  /** A partition's applied offsets (field `topic|partition`) live in the shard of its number (layout.ts). */
  const appliedShard = (field: string) => Number(field.slice(field.lastIndexOf('|') + 1)) % shards;
  const appliedKey = (groupId: string, field: string) => keys.shard(appliedShard(field)).appliedOffsets(groupId);
  /** Where each reconciliation subject was read from: a rebuild puts it back in the same shard. */
  const reconciliationShard = new Map<string, number>();
  const recordShard = (r: ReconciliationRecord) => reconciliationShard.get(reconciliationField(r)) ?? 0;

  const outbox: OutboxStore = {
    shards,
    append: async (owner, events, records) => {
      const pairs = records.flatMap((r) => [reconciliationField(r), JSON.stringify(r)]);
      const k = keys.shard(0);
      await call(
        'vbcAppend',
        k.outbox(owner),
        k.outboxSeq,
        k.reconciliations,
        JSON.stringify(events),
        JSON.stringify(pairs),
      );
    },
    head: (owner, shard, n) => redis.lrange(keys.shard(shard).outbox(owner), 0, n - 1),
    ack: async (owner, shard, first, n) => {
      await call('vbcOutboxAck', keys.shard(shard).outbox(owner), first, n);
    },
    pending: async (owners) =>
      (await perShard(owners, (p, k, o) => p.llen(k.outbox(o)))).flat().reduce((n: number, v) => n + Number(v ?? 0), 0),
    discard: async (owners) => {
      await perShard(owners, (p, k, o) => p.del(k.outbox(o)));
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
      const [closed, compacted, earliest] = await Promise.all([
        onEveryShard((p, k) => p.get(k.closedThrough)),
        redis.get(keys.compactedThrough),
        redis.get(keys.earliestClaim),
      ]);
      // A year is closed once every shard holds it closed (closeThrough raises them one by one).
      const held = (closed as (string | null)[]).map((c) => (c === null ? null : Number(c)));
      return {
        closedThrough: held.includes(null) ? null : Math.min(...(held as number[])),
        compactedThrough: compacted === null ? null : Number(compacted),
        earliestClaim: earliest ?? null,
      };
    },
    closeThrough: async (year) => {
      const held = await onEveryShard((p, k) => p.eval(RAISE_SCRIPT, 1, k.closedThrough, String(year)));
      return Math.min(...held.map(Number));
    },
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
      if (contracts.length > 0)
        await redis.hset(
          keys.contracts,
          ...contracts.flatMap((c) => [`${c.acoId}|${c.performanceYear}`, JSON.stringify(c)]),
        );
      if (prices.length === 0) return;
      // Each shard's copy of the prices changes with its version in one transaction (see the commit
      // script). A version no earlier price set had, also across a reset (which starts the key over):
      // a service that cached prices read under an equal version would go on using them.
      const version = newVersion();
      await Promise.all(
        everyShard.map(async (s) => {
          const k = keys.shard(s);
          const tx = redis.multi();
          tx.hset(k.prices, ...prices.flatMap((p) => [p.key, String(p.targetPriceCents)]));
          tx.set(k.pricesVersion, version);
          for (const [error] of (await tx.exec()) ?? []) if (error) throw error;
        }),
      );
    },
    contracts: async () => Object.values(await redis.hgetall(keys.contracts)).map((j) => JSON.parse(j) as AcoContract),
    reconciliations: async () => {
      const byShard = (await onEveryShard((p, k) => p.hgetall(k.reconciliations))) as Record<string, string>[];
      const all = new Map<string, string>();
      byShard.forEach((hash, s) => {
        for (const [field, json] of Object.entries(hash)) {
          all.set(field, json);
          reconciliationShard.set(field, s);
        }
      });
      return [...all.keys()].sort().map((k) => JSON.parse(all.get(k)!) as ReconciliationRecord);
    },
    restoreReconciliations: async (records) => {
      await groupByShard(redis, shards, records, recordShard, (p, r) =>
        p.hset(keys.shard(recordShard(r)).reconciliations, reconciliationField(r), JSON.stringify(r)),
      );
    },
  };

  const applied: AppliedOffsetsStore = {
    record: (groupId, field, expectedAtLeast, next) =>
      call('vbcRecordApplied', appliedKey(groupId, field), field, expectedAtLeast ?? '', next) as Promise<
        string | null
      >,
    held: async (groupId, fields) =>
      (await groupByShard(redis, shards, fields, appliedShard, (p, f) => p.hget(appliedKey(groupId, f), f))) as (
        | string
        | null
      )[],
    onReconnect: (listener) => {
      // A single Redis comes back as a new connection. A cluster moves on without one: a primary
      // that fails leaves the node pool and its replica takes its slots. The check runs again a few
      // seconds later, once the replica serves them (its commands meanwhile wait or retry).
      const events = isCluster(redis) ? ['ready', '-node', 'node error'] : ['ready'];
      const timers = new Set<NodeJS.Timeout>();
      const fire = () => {
        listener();
        if (!isCluster(redis)) return;
        for (const ms of [3000, 10_000]) {
          const timer = setTimeout(() => {
            timers.delete(timer);
            listener();
          }, ms);
          timer.unref();
          timers.add(timer);
        }
      };
      for (const event of events) redis.on(event, fire);
      return () => {
        for (const event of events) redis.off(event, fire);
        for (const timer of timers) clearTimeout(timer);
      };
    },
  };

  const reads: ReadStore = {
    beneficiaries: () => union((k) => k.beneficiaries),
    scanBeneficiaries: async (cursor, count) => {
      // The cursor says which shard's set the pass is in, and where in it: `<shard>.<SSCAN cursor>`.
      const [shardPart, inner] = cursor === '0' ? ['0', '0'] : cursor.split('.');
      const shard = Number(shardPart);
      const [next, page] = await redis.sscan(keys.shard(shard).beneficiaries, inner!, 'COUNT', count);
      const after = next !== '0' ? `${shard}.${next}` : shard + 1 < shards ? `${shard + 1}.0` : '0';
      return [after, page];
    },
    episodeBeneficiaries: () => union((k) => k.episodeBeneficiaries),
    acoYears: () => union((k) => k.acoIndex),
    acoTotals: async (acoYears) =>
      (await perShard(acoYears, (p, k, acoYear) => p.hgetall(k.aco(acoYear)))).map((parts) => {
        // Each shard holds its beneficiaries' part of a total: every counter adds up.
        const sum: Record<string, string> = {};
        for (const part of parts as Record<string, string>[])
          for (const [field, n] of Object.entries(part)) sum[field] = String(Number(sum[field] ?? 0) + Number(n));
        return sum;
      }),
    snapshots: (mbis) =>
      byBeneficiary(mbis, (p, mbi) => p.hget(keys.of(mbi).state(mbi), SNAPSHOT_FIELD)) as Promise<(string | null)[]>,
    closureFacts: async (mbis) =>
      ((await byBeneficiary(mbis, (p, mbi) => p.hgetall(keys.of(mbi).facts(mbi)))) as Record<string, string>[]).map(
        (hash) =>
          Object.entries(hash)
            .filter(([f]) => parseFactField(f)?.section === 'closures')
            .flat(),
      ),
    restoreFacts: async (mbi, pairs) => {
      if (pairs.length === 0) return;
      const k = keys.of(mbi);
      // The summary no longer covers every fact: the next change reads the beneficiary whole.
      await redis
        .multi()
        .hset(k.facts(mbi), ...pairs)
        .hdel(k.facts(mbi), SUMMARY_FIELD)
        .exec();
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
    beneficiaries,
    outbox,
    clock,
    reference,
    applied,
    reads,
    counts,
    deleteAll: () => unlinkMatching(redis, keys.pattern),
  };
}

/** Sets a number key to ARGV[1] if it is higher than the one held (or none is); returns what it holds. */
const RAISE_SCRIPT = `
local held = redis.call('GET', KEYS[1])
if not held or tonumber(ARGV[1]) > tonumber(held) then redis.call('SET', KEYS[1], ARGV[1]) return ARGV[1] end
return held
`;
