import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimsService } from '../../services/claims/service.ts';
import { exportState } from '../../services/cli/state-export.ts';
import { loadConfig } from '../../shared/config/config.ts';
import { startService } from '../../shared/service/consumer-service.ts';
import { openContext, type Context } from '../../shared/service/context.ts';
import { acoTotals } from '../support/aco-totals.ts';
import { claimsFeed } from '../support/claims-feed.ts';
import { killMidwayAndCatchUp } from '../support/claims-crash.ts';
import { isolatedEnv } from '../support/isolated.ts';
import { publishClaimsFeed } from '../support/publish-claims.ts';
import { header, readTopic } from '../../shared/kafka/read-topic.ts';
import { waitUntil } from '../support/service-process.ts';
import { claimsLag } from '../support/publish-records.ts';
import { runVbc } from '../support/vbc-cli.ts';

const work = mkdtempSync(join(tmpdir(), 'vbc-claims-eo-'));

describe('claims service: exactly-once totals under crash, replay and late attribution', () => {
  const env = isolatedEnv('claims-eo');
  const config = loadConfig({ ...process.env, ...env });
  let ctx: Context;
  const feed = claimsFeed(20260, 20_000, 2_000);

  beforeAll(async () => {
    ctx = await openContext('test-claims-eo', config);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('kill -9 mid-way and restart: totals equal a clean pass, every bad record is dead-lettered with its reason', async () => {
    const bad = await publishClaimsFeed(ctx, feed, ['attribution', 'claims']);
    expect(bad).toHaveLength(200);

    await killMidwayAndCatchUp(ctx, config, env, join(work, 'claims.log'));

    expect(await acoTotals(ctx)).toEqual(feed.expected);

    // Dead letters: each bad record (redelivery after the crash may repeat one), no good one, with reason and position.
    const dlq = await readTopic(ctx.kafka, ctx.admin, ctx.topics.deadLetter('claims'));
    const sent = new Set(bad.map((b) => b.toString('base64')));
    const got = new Set(dlq.map((m) => m.value!.toString('base64')));
    expect([...sent].filter((b) => !got.has(b))).toEqual([]);
    expect([...got].filter((b) => !sent.has(b))).toEqual([]);
    for (const m of dlq) {
      expect(header(m, 'vbc-reason')).toBeTruthy();
      expect(header(m, 'vbc-source-topic')).toBe(ctx.topics.input('claims'));
      expect(Number(header(m, 'vbc-source-partition'))).toBeGreaterThanOrEqual(0);
      expect(Number(header(m, 'vbc-source-offset'))).toBeGreaterThanOrEqual(0);
    }
    const reasons = new Set(dlq.map((m) => header(m, 'vbc-error-code')));
    expect(reasons).toEqual(new Set(['RECORD_UNDECODABLE', 'SCHEMA_UNKNOWN', 'RECORD_INVALID']));
    expect(Number(await ctx.redis.hget(ctx.keys.deadLettered, 'claims'))).toBeGreaterThanOrEqual(200);
  });

  it('a new consumer group replaying both topics from offset 0 changes no total', async () => {
    const before = await exportState(ctx.stores);
    const replay = { ...config, groupPrefix: `${config.topicPrefix}replay.` };
    const rctx = await openContext('test-claims-replay', replay);
    try {
      const service = await startService(rctx, claimsService);
      await waitUntil(
        async () => (await claimsLag(rctx, replay)) === 0,
        'the replaying group to reach the end',
        150_000,
        250,
      );
      await service.stop();
    } finally {
      await rctx.close();
    }
    expect((await exportState(ctx.stores)).acos).toEqual(before.acos);
    expect(await acoTotals(ctx)).toEqual(feed.expected);
  });

  // Last in this file's first describe: the records it re-publishes would be dead-lettered again by a later pass.
  it('vbc dlq replay re-publishes each dead-lettered record once, as it was, to its source topic, and remembers how far it got', async () => {
    const dlq = await readTopic(ctx.kafka, ctx.admin, ctx.topics.deadLetter('claims'));
    expect(dlq.length).toBeGreaterThanOrEqual(200);
    const claims = ctx.topics.input('claims');
    const end = new Map((await ctx.admin.fetchTopicOffsets(claims)).map((p) => [p.partition, Number(p.high)]));

    const first = runVbc(env, 'dlq', 'replay', 'claims');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toContain(`dlq replay claims: ${dlq.length} records re-published`);
    const republished = (await readTopic(ctx.kafka, ctx.admin, claims)).filter(
      (m) => Number(m.offset) >= end.get(m.partition)!,
    );
    const content = (m: { key: Buffer | null; value: Buffer | null }) =>
      `${m.key?.toString('base64')}|${m.value?.toString('base64')}`;
    expect(republished.map(content).sort()).toEqual(dlq.map(content).sort());

    const second = runVbc(env, 'dlq', 'replay', 'claims');
    expect(second.stderr).toContain('dlq replay claims: 0 records re-published');
  });
});

describe('claims service: attribution after the claims it governs', () => {
  it('gives the same totals as attribution first', async () => {
    const config = loadConfig({ ...process.env, ...isolatedEnv('late-attr') });
    const ctx = await openContext('test-late-attribution', config);
    const feed = claimsFeed(7, 4_000, 400);
    try {
      const service = await startService(ctx, claimsService);
      try {
        await publishClaimsFeed(ctx, feed, ['claims']);
        await waitUntil(async () => (await claimsLag(ctx, config)) === 0, 'the claims to be processed', 150_000, 250);
        // No roster yet: the spend is held per beneficiary, in no ACO.
        expect(await acoTotals(ctx)).toEqual({});
        await publishClaimsFeed(ctx, { ...feed, records: [] }, ['attribution']);
        await waitUntil(
          async () => (await claimsLag(ctx, config)) === 0,
          'the attribution to be processed',
          150_000,
          250,
        );
      } finally {
        await service.stop();
      }
      expect(await acoTotals(ctx)).toEqual(feed.expected);
    } finally {
      await ctx.close();
    }
  });
});

describe('claims service: a batch taken in work units of whole beneficiaries', () => {
  it('gives the oracle totals, and dead-letters each bad record once, in the order of its partition', async () => {
    // Published before the service starts, so each fetch brings many units of at most 50 records.
    const config = { ...loadConfig({ ...process.env, ...isolatedEnv('work-units') }), workUnitRecords: 50 };
    const ctx = await openContext('test-work-units', config);
    const feed = claimsFeed(50, 6_000, 600);
    try {
      const bad = await publishClaimsFeed(ctx, feed, ['attribution', 'claims']);
      const service = await startService(ctx, claimsService);
      try {
        await waitUntil(async () => (await claimsLag(ctx, config)) === 0, 'the feed to be processed', 150_000, 250);
      } finally {
        await service.stop();
      }
      expect(await acoTotals(ctx)).toEqual(feed.expected);
      const dlq = await readTopic(ctx.kafka, ctx.admin, ctx.topics.deadLetter('claims'));
      expect(dlq.map((m) => m.value!.toString('base64')).sort()).toEqual(bad.map((b) => b.toString('base64')).sort());
      const sources = new Map<string, number[]>();
      for (const m of dlq) {
        const partition = header(m, 'vbc-source-partition')!;
        sources.set(partition, [...(sources.get(partition) ?? []), Number(header(m, 'vbc-source-offset'))]);
      }
      for (const offsets of sources.values()) expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    } finally {
      await ctx.close();
    }
  });
});
