import type { Redis } from 'ioredis';

/**
 * Deletes every key matching a SCAN pattern, a thousand at a time (UNLINK: freed off the main thread); returns how
 * many.
 */
export async function unlinkMatching(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
