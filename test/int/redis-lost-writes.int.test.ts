import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimsService } from '../../services/claims/service.ts';
import { loadConfig } from '../../shared/config/config.ts';
import { startService, type RunningService } from '../../shared/service/consumer-service.ts';
import { openContext, type Context } from '../../shared/service/context.ts';
import { acoTotals } from '../support/aco-totals.ts';
import { claimsFeed, type Totals } from '../support/claims-feed.ts';
import { isolatedEnv } from '../support/isolated.ts';
import { publishClaimsFeed } from '../support/publish-claims.ts';
import { claimsLag } from '../support/publish-records.ts';
import { Redis } from 'ioredis';
import { waitUntil } from '../support/service-process.ts';
import type { RedisClient } from '../../shared/redis/client.ts';
import { scanMatching } from '../../shared/redis/unlink-matching.ts';

/** Every key under the prefix as Redis would serialise it: what a replica holds at that moment. */
async function snapshot(redis: RedisClient, pattern: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for await (const { node, keys } of scanMatching(redis, pattern))
    for (const key of keys) out.set(key, (await node.dumpBuffer(key))!);
  return out;
}

/** Redis goes back to the snapshot: every write since is lost, as in a failover to a lagging replica. */
async function rollBack(redis: RedisClient, pattern: string, to: Map<string, Buffer>): Promise<void> {
  for (const key of (await snapshot(redis, pattern)).keys()) await redis.unlink(key);
  for (const [key, dump] of to) await redis.restore(key, 0, dump, 'REPLACE');
}

/**
 * Kafka's committed offset follows Redis's acknowledgement, not its durability: a Redis that loses
 * acknowledged writes (failover to a replica behind it, an OS crash inside AOF's last second) must
 * not lose the records behind them. The services re-read from the offset Redis itself holds.
 */
describe('integrity: Redis loses writes the group already committed past', () => {
  const env = { ...isolatedEnv('lost-writes'), LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error' };
  const config = loadConfig({ ...process.env, ...env });
  const feed = claimsFeed(4242, 6_000, 600);
  const half = feed.records.length / 2;
  let ctx: Context;

  beforeAll(async () => {
    ctx = await openContext('test-lost-writes', config);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const runUntilCaughtUp = async (what: string, during?: (service: RunningService) => Promise<void>) => {
    const service = await startService(ctx, claimsService);
    try {
      await during?.(service);
      await waitUntil(async () => (await claimsLag(ctx, config)) === 0, what, 150_000, 250);
    } finally {
      await service.stop();
    }
  };

  it('after a restart: the records whose state was lost are applied again, totals exact', async () => {
    await publishClaimsFeed(ctx, { ...feed, records: feed.records.slice(0, half) }, ['attribution', 'claims']);
    await runUntilCaughtUp('the first half to be applied');
    const replica = await snapshot(ctx.redis, ctx.keys.pattern);

    await publishClaimsFeed(ctx, { ...feed, records: feed.records.slice(half) }, ['claims']);
    await runUntilCaughtUp('the second half to be applied');
    expect(await acoTotals(ctx)).toEqual(feed.expected);

    // Failover: the new primary has only the first half; the group committed past the second.
    await rollBack(ctx.redis, ctx.keys.pattern, replica);
    expect(await acoTotals(ctx)).not.toEqual(feed.expected);
    expect(await claimsLag(ctx, config)).toBe(0);

    await runUntilCaughtUp('the lost records to be applied again', async () => {
      await waitUntil(
        async () => isDeepStrictEqual(await acoTotals(ctx), feed.expected),
        'the totals to be whole again',
        150_000,
        250,
      );
    });
    expect(await acoTotals(ctx)).toEqual(feed.expected);
  });

  // It drops the service's connection to the one Redis at REDIS_URL; on a cluster the failover test
  // (redis-cluster.e2e.test.ts) kills a primary instead.
  it.skipIf(config.redisClusterNodes.length > 0)(
    'while running: a failover under a running service is caught when its Redis connection comes back',
    async () => {
      const before = await acoTotals(ctx);
      const replica = await snapshot(ctx.redis, ctx.keys.pattern);
      const more = claimsFeed(4343, 2_000, 600);
      let whole: Record<string, Totals> = {};
      const service = await startService(ctx, claimsService);
      try {
        await publishClaimsFeed(ctx, { ...more, attribution: [] }, ['claims']);
        await waitUntil(async () => (await claimsLag(ctx, config)) === 0, 'the new claims to be applied', 150_000, 250);
        whole = await acoTotals(ctx);
        expect(whole).not.toEqual(before);

        // The primary is lost with the new claims; the service's connection drops and comes back to
        // a Redis that has only what it had before them. No new record arrives.
        await rollBack(ctx.redis, ctx.keys.pattern, replica);
        expect(await acoTotals(ctx)).toEqual(before);
        const serviceConnection = String(await ctx.redis.client('ID'));
        const operator = new Redis(config.redisUrl);
        try {
          expect(await operator.client('KILL', 'ID', serviceConnection)).toBe(1);
        } finally {
          operator.disconnect();
        }
        await waitUntil(
          async () => isDeepStrictEqual(await acoTotals(ctx), whole),
          'the lost claims to be applied again',
          150_000,
          250,
        );
        await waitUntil(async () => (await claimsLag(ctx, config)) === 0, 'the group to commit again', 150_000, 250);
      } finally {
        await service.stop();
      }
      // A restart finds nothing more to apply.
      await runUntilCaughtUp('a restart');
      expect(await acoTotals(ctx)).toEqual(whole);
    },
  );
});
