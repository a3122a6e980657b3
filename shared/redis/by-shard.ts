import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from './client.ts';

/** Commands per pipeline: a large installation reads millions of keys in a pass. */
const PIPELINE = 1000;

/**
 * One command per item, as one pipeline per shard (all of a shard's keys share a hash slot, so a
 * Redis Cluster runs each pipeline on one node), the shards' pipelines side by side; the replies in
 * the items' order. A failed command fails the call.
 */
export async function groupByShard<T>(
  redis: RedisClient,
  shards: number,
  items: readonly T[],
  shardOfItem: (item: T) => number,
  add: (pipeline: ChainableCommander, item: T) => void,
): Promise<unknown[]> {
  const positions: number[][] = Array.from({ length: shards }, () => []);
  for (let i = 0; i < items.length; i++) positions[shardOfItem(items[i]!)]!.push(i);
  const out = new Array<unknown>(items.length);
  await Promise.all(
    positions.map(async (at) => {
      for (let start = 0; start < at.length; start += PIPELINE) {
        const slice = at.slice(start, start + PIPELINE);
        const pipeline = redis.pipeline();
        for (const i of slice) add(pipeline, items[i]!);
        const replies = (await pipeline.exec()) ?? [];
        replies.forEach(([error, value], j) => {
          if (error) throw error;
          out[slice[j]!] = value;
        });
      }
    }),
  );
  return out;
}
