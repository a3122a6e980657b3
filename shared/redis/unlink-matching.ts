import type { Redis } from 'ioredis';
import { isCluster, type RedisClient } from './client.ts';

/**
 * The keys matching a SCAN pattern, a page at a time, with the node that holds them: on a cluster
 * every primary is scanned.
 */
export async function* scanMatching(
  redis: RedisClient,
  pattern: string,
): AsyncGenerator<{ node: Redis; keys: string[] }> {
  for (const node of isCluster(redis) ? redis.nodes('master') : [redis]) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) yield { node, keys };
    } while (cursor !== '0');
  }
}

/**
 * Deletes every key matching a SCAN pattern, a page at a time (UNLINK: freed off the main thread);
 * returns how many. A page is unlinked one command per key in a pipeline: on a cluster one UNLINK of
 * keys of several slots is refused.
 */
export async function unlinkMatching(redis: RedisClient, pattern: string): Promise<number> {
  let deleted = 0;
  for await (const { node, keys } of scanMatching(redis, pattern)) {
    const pipeline = node.pipeline();
    for (const key of keys) pipeline.unlink(key);
    for (const [error, n] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      deleted += Number(n);
    }
  }
  return deleted;
}
