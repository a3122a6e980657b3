import { AppError, ErrorCode } from '../errors/app-error.ts';
import type { RedisClient } from '../redis/client.ts';
import type { RedisKeys } from './layout.ts';

/**
 * The layout written by this version: state in shards, each beneficiary's version and totals summary
 * in its facts hash (layout.ts), `shards=<n>`.
 */
export const LAYOUT_MARK = 'sharded-2';
/** The sharded layout before it: version and summary in the state hash (migrate-version-fields.ts). */
export const SHARDED_1_MARK = 'sharded-1';

/**
 * Makes sure the state in Redis is laid out as this process reads it: the first process to start on
 * an empty Redis marks it with the shard count (VBC_PARTITIONS); a later one with another count
 * would read every beneficiary from the wrong shard and count it again, so it refuses to start.
 * State of an earlier layout is refused too, since this version would not find its versions (every
 * commit would be refused, or a beneficiary taken as new): the unsharded layout (before Redis Cluster
 * support) and the first sharded one. `vbc migrate-state` lays either out as this version does
 * (migrate-unsharded.ts, migrate-version-fields.ts).
 */
export async function checkLayout(redis: RedisClient, keys: RedisKeys, prefix: string): Promise<void> {
  const want = `${LAYOUT_MARK};shards=${keys.shards}`;
  let held = await redis.get(keys.layout);
  if (held === null) {
    if ((await redis.exists(`${prefix}:beneficiaries`)) === 1) {
      throw new AppError(
        ErrorCode.STATE_LAYOUT_MISMATCH,
        `Redis holds state in the unsharded layout of an earlier version (key ${prefix}:beneficiaries): stop the services and run 'vbc migrate-state' to lay it out in shards`,
      );
    }
    await redis.set(keys.layout, want, 'NX');
    held = await redis.get(keys.layout);
  }
  if (held === want) return;
  const shards = /shards=(\d+)/.exec(held ?? '')?.[1];
  if (shards !== undefined && Number(shards) !== keys.shards) {
    throw new AppError(
      ErrorCode.STATE_LAYOUT_MISMATCH,
      `Redis holds state in ${shards} shards (written with VBC_PARTITIONS=${shards}); this process has VBC_PARTITIONS=${keys.shards}: set it back, or reset the state and replay the topics`,
    );
  }
  if (held?.startsWith(`${SHARDED_1_MARK};`)) {
    throw new AppError(
      ErrorCode.STATE_LAYOUT_MISMATCH,
      `Redis holds state in the sharded layout of an earlier version (${keys.layout} = ${held}): stop the services and run 'vbc migrate-state' to move each beneficiary's version and summary into its facts hash`,
    );
  }
  throw new AppError(
    ErrorCode.STATE_LAYOUT_MISMATCH,
    `Redis holds state of an unknown layout (${keys.layout} = ${held})`,
  );
}
