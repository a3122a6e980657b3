import { createRequire } from 'node:module';
import { Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { redisKeys } from '../../shared/engine/layout.ts';
import { chunksByShard, shardOf, shardTags, slotOf } from '../../shared/engine/shards.ts';

// ioredis's own slot function: the slot a cluster client sends a key to.
const clusterKeySlot = createRequire(import.meta.url)('cluster-key-slot') as (key: string) => number;
const mbis = Array.from({ length: 2000 }, (_, i) =>
  `${i % 9}${'ABCDEFGHJK'[i % 10]}${(i * 7919).toString(36).toUpperCase()}é`.slice(0, 3 + (i % 9)),
);

describe('state shards', () => {
  it("a beneficiary's shard is the partition kafkajs's default partitioner (Kafka's murmur2) sends its records to", () => {
    for (const count of [1, 6, 7, 12, 64]) {
      const partitioner = Partitioners.DefaultPartitioner();
      const partitionMetadata = Array.from({ length: count }, (_, p) => ({
        partitionId: p,
        leader: 0,
        partitionErrorCode: 0,
        replicas: [0],
        isr: [0],
      }));
      for (const mbi of mbis) {
        const partition = partitioner({ topic: 't', partitionMetadata, message: { key: mbi, value: null } });
        expect(shardOf(mbi, count), mbi).toBe(partition);
      }
    }
  });

  it('the slot of a tag is the one ioredis routes a key carrying it to', () => {
    for (const tag of [...mbis, 'p0.0', 'clock']) {
      expect(slotOf(tag)).toBe(clusterKeySlot(tag));
      expect(clusterKeySlot(`vbc:{${tag}}:x`)).toBe(slotOf(tag));
    }
  });

  it("the shards' tags spread evenly over the slot ranges of a cluster made with even ranges", () => {
    for (const count of [3, 6, 12, 100]) {
      const tags = shardTags(count);
      expect(new Set(tags).size).toBe(count);
      tags.forEach((tag, shard) => {
        expect(slotOf(tag)).toBeGreaterThanOrEqual(Math.floor((shard * 16384) / count));
        expect(slotOf(tag)).toBeLessThan(Math.floor(((shard + 1) * 16384) / count));
      });
    }
  });

  it("every key of one shard (what one commit script touches) hashes to one slot, and each shard's to its own", () => {
    const keys = redisKeys('vbc', 6);
    const slots = new Set<number>();
    for (let s = 0; s < 6; s++) {
      const k = keys.shard(s);
      const shardSlots = new Set(
        [
          k.facts('M1'),
          k.state('M2'),
          k.beneficiaries,
          k.episodeBeneficiaries,
          k.acoIndex,
          k.aco('A1|2026'),
          k.prices,
          k.pricesVersion,
          k.closedThrough,
          k.outbox('claims'),
          k.outboxSeq,
          k.reconciliations,
          k.appliedOffsets('g'),
        ].map(clusterKeySlot),
      );
      expect(shardSlots.size).toBe(1);
      slots.add([...shardSlots][0]!);
    }
    expect(slots.size).toBe(6);
    // The clock script's keys share theirs.
    expect(
      new Set([keys.eventClock, keys.partitionClocks, keys.earliestClaim, keys.partitionLatest(3)].map(clusterKeySlot))
        .size,
    ).toBe(1);
  });
});

describe("a batch's chunks (one script call each)", () => {
  // Records per beneficiary: 1 to 7, and one beneficiary with more than a chunk may hold.
  const records = new Map(mbis.map((mbi, i) => [mbi, i === 10 ? 50 : 1 + (i % 7)]));
  const limits = { beneficiaries: 40, records: 30 };
  const chunks = chunksByShard(
    mbis,
    (mbi) => shardOf(mbi, 6),
    limits,
    (mbi) => records.get(mbi)!,
  );

  it('hold every beneficiary once, each chunk of one shard, in the order given within a shard', () => {
    expect(chunks.flatMap((c) => c.mbis).sort()).toEqual([...mbis].sort());
    for (const c of chunks) for (const mbi of c.mbis) expect(shardOf(mbi, 6)).toBe(c.shard);
    for (let shard = 0; shard < 6; shard++)
      expect(chunks.filter((c) => c.shard === shard).flatMap((c) => c.mbis)).toEqual(
        mbis.filter((mbi) => shardOf(mbi, 6) === shard),
      );
  });

  it('stay within both limits, so no script holds Redis up for long; a beneficiary over the limit goes alone', () => {
    const weigh = (c: { mbis: string[] }) => c.mbis.reduce((n, mbi) => n + records.get(mbi)!, 0);
    for (const c of chunks) {
      expect(c.mbis.length).toBeLessThanOrEqual(limits.beneficiaries);
      if (c.mbis.length > 1) expect(weigh(c)).toBeLessThanOrEqual(limits.records);
    }
    expect(chunks.find((c) => c.mbis.includes(mbis[10]!))!.mbis).toEqual([mbis[10]]);
    // Not cut smaller than the limits ask: a chunk ends only where the next beneficiary would not fit.
    const next = new Map<number, number>();
    chunks.forEach((c, i) => {
      const following = chunks.slice(i + 1).find((d) => d.shard === c.shard);
      if (!following) return;
      const first = records.get(following.mbis[0]!)!;
      expect(c.mbis.length === limits.beneficiaries || weigh(c) + first > limits.records).toBe(true);
      next.set(i, first);
    });
    expect(next.size).toBeGreaterThan(0);
  });
});
