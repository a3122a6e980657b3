import type { RedisClient } from '../redis/client.ts';
import { scanMatching } from '../redis/unlink-matching.ts';
import { LAYOUT_MARK, SHARDED_1_MARK } from './layout-check.ts';
import type { RedisKeys } from './layout.ts';

/**
 * Moves one beneficiary's version and summary from its state hash into its facts hash (both keys
 * of one slot). Repeatable: a state hash without a version has nothing left to move.
 * KEYS: facts, state
 */
const MOVE_SCRIPT = `
local vk = redis.call('HMGET', KEYS[2], 'v', 'k')
if not vk[1] then return 0 end
local f = { 'v', vk[1] }
if vk[2] then f[3] = 'k'; f[4] = vk[2] end
redis.call('HSET', KEYS[1], unpack(f))
redis.call('HDEL', KEYS[2], 'v', 'k')
return 1
`;

/**
 * Lays state of the first sharded layout (`sharded-1`: each beneficiary's version `v` and totals
 * summary `k` in its state hash) out as this version reads it (both in its facts hash, layout.ts),
 * with the services stopped. Every beneficiary's state hash is found by SCAN (every primary of a
 * cluster) and moved by one script each, 500 at a time; then the layout is marked. Run again after
 * a crash, it moves what is left. Returns how many beneficiaries it moved; does nothing (0) when
 * the state is marked with another layout than `sharded-1`.
 */
export async function migrateVersionFields(redis: RedisClient, prefix: string, keys: RedisKeys): Promise<number> {
  const mark = await redis.get(keys.layout);
  if (!mark?.startsWith(`${SHARDED_1_MARK};`)) return 0;
  redis.defineCommand('vbcMoveVersionFields', { numberOfKeys: 2, lua: MOVE_SCRIPT });
  const move = (redis as unknown as { vbcMoveVersionFields(f: string, s: string): Promise<number> })
    .vbcMoveVersionFields;
  let moved = 0;
  // `<prefix>:{<tag>}:b:<mbi>:state` (layout.ts); its facts hash is the same name ending in `:facts`.
  for await (const { keys: found } of scanMatching(redis, `${prefix}:{*}:b:*:state`)) {
    for (let i = 0; i < found.length; i += 500) {
      const done = await Promise.all(
        found.slice(i, i + 500).map((state) => move.call(redis, `${state.slice(0, -':state'.length)}:facts`, state)),
      );
      for (const n of done) moved += n;
    }
  }
  await redis.set(keys.layout, mark.replace(SHARDED_1_MARK, LAYOUT_MARK));
  return moved;
}
