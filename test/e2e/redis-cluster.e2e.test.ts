import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/config.ts';
import { redisKeys } from '../../shared/engine/layout.ts';
import { openContext } from '../../shared/service/context.ts';
import { acoTotals } from '../support/aco-totals.ts';
import { claimsFeed } from '../support/claims-feed.ts';
import { claimsServiceMidway, killMidwayAndCatchUp } from '../support/claims-crash.ts';
import { EXAMPLES, runScenario } from '../support/contract.ts';
import { isolatedEnv } from '../support/isolated.ts';
import { publishClaimsFeed } from '../support/publish-claims.ts';
import { claimsLag } from '../support/publish-records.ts';
import {
  clusterNodes,
  type ClusterNode,
  keySlot,
  keysInSlot,
  type LocalCluster,
  migrateSlot,
  serves,
  startRedisCluster,
} from '../support/redis-cluster.ts';
import { type ServiceProcess, waitUntil } from '../support/service-process.ts';
import { startAllServices, vbc } from '../support/vbc-cli.ts';

const work = mkdtempSync(join(tmpdir(), 'vbc-cluster-'));
const NAMES = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.expected.json'))
  .map((f) => f.slice(0, -'.expected.json'.length))
  .sort();

let cluster: LocalCluster;
const onCluster = (label: string) => ({ ...isolatedEnv(label), REDIS_CLUSTER_NODES: cluster.nodes });

/**
 * The service catches up, keeps running and stops cleanly, and the totals equal the feed's. Caught
 * up is not enough: a rewind after lost writes may still be under way, so the totals are awaited.
 */
async function expectCaughtUpExactly(
  ctx: Awaited<ReturnType<typeof openContext>>,
  config: ReturnType<typeof loadConfig>,
  service: ServiceProcess,
  expected: unknown,
) {
  await waitUntil(async () => (await claimsLag(ctx, config)) === 0, 'the service to catch up', 150_000, 250);
  await waitUntil(
    async () => JSON.stringify(await acoTotals(ctx)) === JSON.stringify(expected),
    'exact totals',
    30_000,
    500,
  ).catch(() => undefined);
  expect(service.exited, service.logTail()).toBe(false);
  expect(await service.stop('SIGTERM')).toBe(0);
  expect(await acoTotals(ctx)).toEqual(expected);
}

describe('on a local Redis Cluster (3 primaries, each with a replica)', () => {
  beforeAll(async () => {
    cluster = await startRedisCluster();
  });
  afterAll(() => {
    cluster?.stop();
  });

  describe('the contract examples through npx vbc', () => {
    const env: Record<string, string> = {};
    let services: ServiceProcess;
    beforeAll(async () => {
      Object.assign(env, onCluster('cluster-examples'));
      services = await startAllServices(env, join(work, 'services.log'));
    });
    afterAll(async () => {
      await services?.stop('SIGTERM');
    });

    it.each(NAMES)('%s matches its expected export', (name) => {
      expect(runScenario(env, join(EXAMPLES, `${name}.ndjson`), join(EXAMPLES, `${name}.expected.json`), work)).toBe(
        'export matches',
      );
    });

    it('vbc status says where the state is: the cluster, its primaries and the shards', () => {
      expect(vbc(env, 'status')).toMatch(/^state: Redis Cluster \(3 primaries\), 6 shards$/m);
    });

    it("the state is spread over the three primaries: each holds shards' keys", () => {
      const primaries = clusterNodes(cluster.base).filter((n) => n.flags.includes('master') && n.slots.length > 0);
      expect(primaries).toHaveLength(3);
      for (const { port } of primaries) {
        const keys = execFileSync(
          'redis-cli',
          ['-p', String(port), '--scan', '--pattern', `${env.VBC_REDIS_PREFIX}:{p*`],
          {
            encoding: 'utf8',
          },
        );
        expect(keys.trim().split('\n').length, `keys on the primary at ${port}`).toBeGreaterThan(5);
      }
    });
  });

  describe('the claims service', () => {
    const feed = claimsFeed(20261, 20_000, 2_000);

    it('kill -9 mid-way and restart: totals equal a clean pass', async () => {
      const env = onCluster('cluster-kill');
      const config = loadConfig({ ...process.env, ...env });
      const ctx = await openContext('test-cluster-kill', config);
      try {
        await publishClaimsFeed(ctx, feed, ['attribution', 'claims']);
        await killMidwayAndCatchUp(ctx, config, env, join(work, 'claims-kill.log'));
        expect(await acoTotals(ctx)).toEqual(feed.expected);
      } finally {
        await ctx.close();
      }
    });

    it('shards move to another primary (resharding, slot by slot) during consumption: the totals are exact', async () => {
      const env = onCluster('cluster-reshard');
      const config = loadConfig({ ...process.env, ...env });
      const ctx = await openContext('test-cluster-reshard', config);
      const feed = claimsFeed(20262, 60_000, 6_000);
      const half = feed.records.length / 2;
      try {
        // Half the claims before the move, the other half while it is under way, so the service
        // commits to shards that are half moved.
        await publishClaimsFeed(ctx, { ...feed, records: feed.records.slice(0, half) }, ['attribution', 'claims']);
        const service = await claimsServiceMidway(ctx, env, join(work, 'claims-reshard.log'));
        try {
          // The shards one primary holds (each shard is one slot: every key of it carries its tag)
          // move to the next primary.
          const keys = redisKeys(config.redisPrefix, config.partitions);
          const primaries = clusterNodes(cluster.base).filter((n) => n.flags.includes('master') && n.slots.length > 0);
          const shardSlots = Array.from({ length: config.partitions }, (_, i) =>
            keySlot(cluster.base, keys.shard(i).beneficiaries),
          );
          // The one holding the most of them: the service may not have reached every partition yet.
          const keysOn = (p: ClusterNode) =>
            shardSlots.filter((slot) => serves(p, slot)).reduce((sum, slot) => sum + keysInSlot(p, slot), 0);
          const from = primaries.reduce((most, p) => (keysOn(p) > keysOn(most) ? p : most));
          const to = primaries.find((p) => p.id !== from.id)!;
          const moving = shardSlots.filter((slot) => serves(from, slot));
          let underWay = true;
          let moved = 0;
          const move = (async () => {
            for (const slot of moving) moved += await migrateSlot(slot, from, to, primaries);
          })().finally(() => {
            underWay = false;
          });
          const rest = feed.records.slice(half);
          let publishedDuringMove = 0;
          for (let i = 0; i < rest.length; i += 1_000) {
            await publishClaimsFeed(ctx, { ...feed, records: rest.slice(i, i + 1_000) }, ['claims']);
            if (underWay) publishedDuringMove++;
            if (underWay) await new Promise((resolve) => setTimeout(resolve, 300));
          }
          await move;
          expect(moved).toBeGreaterThan(0);
          expect(publishedDuringMove, 'claims published while the shards were moving').toBeGreaterThan(5);

          await expectCaughtUpExactly(ctx, config, service, feed.expected);
          // The moved shards are served by their new primary, and nothing of them stayed behind.
          const after = clusterNodes(cluster.base);
          for (const slot of moving) {
            expect(serves(after.find((n) => n.id === to.id)!, slot), `slot ${slot} on its new primary`).toBe(true);
            expect(keysInSlot(from, slot), `keys of slot ${slot} left on its old primary`).toBe(0);
          }
        } finally {
          await service.stop('SIGKILL');
        }
      } finally {
        await ctx.close();
      }
    });

    it('a primary fails (kill -9) during consumption: its replica takes over and the totals are exact', async () => {
      const env = onCluster('cluster-failover');
      const config = loadConfig({ ...process.env, ...env });
      const ctx = await openContext('test-cluster-failover', config);
      try {
        await publishClaimsFeed(ctx, feed, ['attribution', 'claims']);
        const service = await claimsServiceMidway(ctx, env, join(work, 'claims-failover.log'));
        try {
          expect(await claimsLag(ctx, config)).toBeGreaterThan(0);

          const victim = clusterNodes(cluster.base).find((n) => n.flags.includes('master') && n.slots.length > 0)!;
          const pid = execFileSync('redis-cli', ['-p', String(victim.port), 'info', 'server'], {
            encoding: 'utf8',
          }).match(/process_id:(\d+)/)![1]!;
          process.kill(Number(pid), 'SIGKILL');
          // The replica is elected once the others see the primary gone (node timeout 2 s).
          await waitUntil(
            () => {
              const nodes = clusterNodes(victim.port === cluster.base ? cluster.base + 1 : cluster.base);
              return nodes.some(
                (n) => n.port !== victim.port && n.flags.includes('master') && n.slots.join() === victim.slots.join(),
              );
            },
            "the victim's replica to take its slots",
            60_000,
            250,
          );

          await expectCaughtUpExactly(ctx, config, service, feed.expected);
        } finally {
          // A failed step must not leave the service running beside the rest of the suite.
          await service.stop('SIGKILL');
        }
      } finally {
        await ctx.close();
      }
    });
  });
});
