import { createRequire } from 'node:module';
import { Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { redisKeys } from '../../shared/engine/layout.ts';
import { shardOf, shardTags, slotOf } from '../../shared/engine/shards.ts';

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
