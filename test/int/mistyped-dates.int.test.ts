import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimsService } from '../../services/claims/service.ts';
import { exportState } from '../../services/cli/state-export.ts';
import { loadConfig } from '../../shared/config/config.ts';
import { header, readTopic } from '../../shared/kafka/read-topic.ts';
import { startService, type RunningService } from '../../shared/service/consumer-service.ts';
import { openContext, type Context } from '../../shared/service/context.ts';
import { isolatedEnv } from '../support/isolated.ts';
import { claimsLag, publishRecords } from '../support/publish-records.ts';
import { waitUntil } from '../support/service-process.ts';

/**
 * The new user's reproduction (issue: bad dates must not close a performance year): 40
 * beneficiaries of one ACO, an ordinary 2026 claim each, then a claim each mistyped as 2062-03-01,
 * then 40 ordinary claims of 2026-04-01. Before, the typos moved every partition's event clock to
 * 2062, closed 2026, and the April claims were dead-lettered as PERIOD_CLOSED.
 */
const config = loadConfig({ ...process.env, ...isolatedEnv('typos'), VBC_SCHEDULE_CHECK_MS: '200' });
const MBIS = Array.from({ length: 40 }, (_, i) => `1TY${String(i).padStart(8, '0')}`);
const claimOf = (id: string, mbi: string, date: string, paidAmountCents: number) => ({
  claimId: id,
  claimControlNumber: id,
  adjustmentType: 'ORIGINAL',
  mbi,
  claimType: 'PROFESSIONAL',
  fromDate: date,
  thruDate: date,
  admissionDate: null,
  dischargeDate: null,
  drg: null,
  principalDiagnosis: null,
  facilityId: null,
  billingProviderNpi: null,
  paidAmountCents,
  imeAmountCents: null,
  dshAmountCents: null,
  nonPaymentReasonCode: null,
  effectiveDate: null,
  hcpcsCodes: null,
});
const ordinary = MBIS.map((mbi, i) => claimOf(`ORD-${i}`, mbi, '2026-02-10', 10_000 + i));
const typos = MBIS.map((mbi, i) => claimOf(`TYPO-${i}`, mbi, '2062-03-01', 55_500));
const april = MBIS.map((mbi, i) => claimOf(`APR-${i}`, mbi, '2026-04-01', 20_000 + i));
const sum = (claims: { paidAmountCents: number }[]) => claims.reduce((n, c) => n + c.paidAmountCents, 0);

let ctx: Context;
let service: RunningService;
const caughtUp = async () => (await claimsLag(ctx, config)) === 0;
const totals = async () =>
  Object.fromEntries(
    (await exportState(ctx.stores)).acos.map((a) => [
      `${a.acoId}|${a.performanceYear}`,
      { expenditureCents: a.expenditureCents, claimRecords: a.claimRecords },
    ]),
  );

describe('mistyped dates neither close a performance year nor count (issue 18)', () => {
  beforeAll(async () => {
    ctx = await openContext('test-typos', config);
    service = await startService(ctx, claimsService);
  });
  afterAll(async () => {
    await service?.stop();
    await ctx?.close();
  });

  it('typos spread over every partition are dead-lettered as DATE_IMPLAUSIBLE; the April claims count; 2026 equals a clean run', async () => {
    await publishRecords(
      ctx,
      'attribution',
      MBIS.map((mbi) => ({ mbi, acoId: 'ATY', effectiveFrom: '2026-01-01', effectiveTo: null })),
    );
    await publishRecords(ctx, 'claims', ordinary);
    await publishRecords(ctx, 'claims', typos);
    await publishRecords(ctx, 'claims', april);
    await waitUntil(caughtUp, 'the claims to be processed', 120_000, 200);

    // The clean run's total: the ordinary and April claims, nothing else.
    expect(await totals()).toEqual({ 'ATY|2026': { expenditureCents: sum(ordinary) + sum(april), claimRecords: 80 } });

    const dead = await readTopic(ctx.kafka, ctx.admin, ctx.topics.deadLetter('claims'));
    const ids = dead.map((m) => (ctx.codec.decode(m.value) as { claimId: string }).claimId).sort();
    expect(ids).toEqual(typos.map((c) => c.claimId).sort());
    expect(new Set(dead.map((m) => header(m, 'vbc-error-code')))).toEqual(new Set(['DATE_IMPLAUSIBLE']));
    expect(header(dead[0]!, 'vbc-reason')).toMatch(/2062-03-01 is after .*taken for a mistyped date/);
    // The typos came from every partition of the topic: no partition was spared.
    expect(new Set(dead.map((m) => header(m, 'vbc-source-partition'))).size).toBe(config.partitions);

    // Nothing closed 2026, nor moved event time.
    expect((await ctx.stores.clock.expiry()).closedThrough).toBeNull();
    const clocks = Object.values(await ctx.redis.hgetall(ctx.keys.partitionClocks));
    expect(clocks.every((c) => c < '2027-01-01')).toBe(true);
  });

  it('plausible typos (a date of next year) count where their date says and change nothing else; later 2026 claims still count', async () => {
    const nextYear = MBIS.map((mbi, i) => claimOf(`NEXT-${i}`, mbi, '2027-12-01', 1_000));
    const may = MBIS.map((mbi, i) => claimOf(`MAY-${i}`, mbi, '2026-05-04', 3_000));
    await publishRecords(ctx, 'claims', nextYear);
    await publishRecords(ctx, 'claims', may);
    await waitUntil(caughtUp, 'the claims to be processed', 120_000, 200);
    expect(await totals()).toEqual({
      'ATY|2026': { expenditureCents: sum(ordinary) + sum(april) + sum(may), claimRecords: 120 },
      'ATY|2027': { expenditureCents: sum(nextYear), claimRecords: 40 },
    });
    // 40 records of 2027 are fewer than a partition's quorum (VBC_CLOCK_QUORUM, 100): no clock reached 2027.
    const clocks = Object.values(await ctx.redis.hgetall(ctx.keys.partitionClocks));
    expect(clocks.every((c) => c < '2027-01-01')).toBe(true);
    expect((await ctx.stores.clock.expiry()).closedThrough).toBeNull();
    const dead = await readTopic(ctx.kafka, ctx.admin, ctx.topics.deadLetter('claims'));
    expect(dead.filter((m) => header(m, 'vbc-error-code') !== 'DATE_IMPLAUSIBLE')).toEqual([]);
  });
});
