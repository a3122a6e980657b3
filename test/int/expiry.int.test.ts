import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimsService } from '../../services/claims/service.ts';
import { loadConfig } from '../../shared/config/config.ts';
import { header, readTopic } from '../../shared/kafka/read-topic.ts';
import { startService, type RunningService } from '../../shared/service/consumer-service.ts';
import { openContext, type Context } from '../../shared/service/context.ts';
import { reconcile } from '../../shared/engine/reconcile.ts';
import { SUMMARY_FIELD, VERSION_FIELD } from '../../shared/engine/layout.ts';
import { acoTotals } from '../support/aco-totals.ts';
import { claimsFeed, type ClaimValue } from '../support/claims-feed.ts';
import { isolatedEnv } from '../support/isolated.ts';
import { publishClaimsFeed } from '../support/publish-claims.ts';
import { waitUntil } from '../support/service-process.ts';
import { claimsLag, publishRecords } from '../support/publish-records.ts';

const config = loadConfig({ ...process.env, ...isolatedEnv('expiry'), VBC_SCHEDULE_CHECK_MS: '200' });
const feed = claimsFeed(777, 4_000, 400);
let ctx: Context;
let service: RunningService;

/**
 * Bytes Redis holds for this test's beneficiaries' facts (MEMORY USAGE of each key, so other tests' data does not
 * count), less the beneficiary's version and totals summary kept in the same hash (fields `v` and `k`,
 * their names and values), which folding a year does not touch.
 */
async function factBytes(): Promise<{ bytes: number; claimFields: number }> {
  let bytes = 0;
  let claimFields = 0;
  for (const mbi of await ctx.stores.reads.beneficiaries()) {
    const key = ctx.keys.of(mbi).facts(mbi);
    bytes += Number((await ctx.redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
    bytes -= (await ctx.redis.hstrlen(key, VERSION_FIELD)) + (await ctx.redis.hstrlen(key, SUMMARY_FIELD)) + 2;
    claimFields += (await ctx.redis.hkeys(key)).filter((f) => f.startsWith('c:')).length;
  }
  return { bytes, claimFields };
}

const publishClaims = (values: ClaimValue[]) => publishRecords(ctx, 'claims', values);
const caughtUp = async () => (await claimsLag(ctx, config)) === 0;
const good = feed.records.flatMap((r) => ('good' in r ? [r.good] : []));
const attributed = good.find(
  (c) => c.nonPaymentReasonCode === null && feed.attribution.some((a) => a.mbi === c.mbi && a.effectiveTo === null),
)!;

describe("expiry after the final reconciliation: a closed year's claim records fold into summaries, totals stay exact, late claims are refused", () => {
  beforeAll(async () => {
    ctx = await openContext('test-expiry', config);
    service = await startService(ctx, claimsService);
  });
  afterAll(async () => {
    await service?.stop();
    await ctx?.close();
  });

  it('memory per claim falls once 2026 is closed by its final reconciliation after the run-out, and every ACO total is unchanged', async () => {
    await publishClaimsFeed(ctx, feed, ['attribution', 'claims']);
    await waitUntil(caughtUp, 'the feed to be processed', 120_000, 200);
    expect(await acoTotals(ctx)).toEqual(feed.expected);
    const before = await factBytes();
    expect(before.claimFields).toBeGreaterThan(3_000);
    expect(await ctx.redis.get(ctx.keys.compactedThrough)).not.toBe('2026');

    // Claims dated after the run-out close nothing by themselves (event time is not a decision).
    const clockClaims = Array.from({ length: 60 }, (_, i) => ({
      ...attributed,
      mbi: `9Z${String(i).padStart(9, '0')}`,
      claimId: `CLOCK-${i}`,
      claimControlNumber: `CLOCK-${i}`,
      fromDate: '2027-04-02',
      thruDate: '2027-04-02',
    }));
    await publishClaims(clockClaims);
    await waitUntil(caughtUp, 'the April claims to be processed', 60_000, 200);
    expect((await ctx.stores.clock.expiry()).closedThrough).toBeNull();
    // The final reconciliation after the run-out (as `vbc reconcile --as-of 2027-04-01` runs it) closes 2026.
    expect(
      (await reconcile(ctx.stores, '2027-04-01', config.overrunThresholds, 'cli', config.claimsRunoutDays))
        .closedThrough,
    ).toBe(2026);
    await waitUntil(
      async () => (await ctx.redis.get(ctx.keys.compactedThrough)) === '2026',
      '2026 to be folded',
      60_000,
      200,
    );

    const after = await factBytes();
    expect(after.claimFields).toBeLessThan(before.claimFields / 10);
    // What is left per beneficiary is one summary (ACO totals by type and month) in place of its
    // records. With claim records in their compact form (about 60 bytes each) the summary is a
    // larger share of what is left: a third less at the least.
    expect(after.bytes).toBeLessThan((before.bytes * 2) / 3);
    expect(await acoTotals(ctx)).toEqual(feed.expected);
  });

  it('a duplicate of a folded claim and a new claim of the closed year are dead-lettered as PERIOD_CLOSED; a 2027 claim still counts', async () => {
    const late = {
      ...attributed,
      claimId: 'LATE-2026',
      claimControlNumber: 'LATE-2026',
      fromDate: '2026-12-20',
      thruDate: '2026-12-20',
      paidAmountCents: 123_456,
    };
    const next = {
      ...attributed,
      claimId: 'NEW-2027',
      claimControlNumber: 'NEW-2027',
      claimType: 'PROFESSIONAL',
      fromDate: '2027-04-10',
      thruDate: '2027-04-10',
      paidAmountCents: 5_000,
      imeAmountCents: null,
      dshAmountCents: null,
    };
    await publishClaims([attributed, late, next]);
    await waitUntil(caughtUp, 'the late claims to be processed', 60_000, 200);

    const dead = (await readTopic(ctx.kafka, ctx.admin, ctx.topics.deadLetter('claims'))).filter(
      (m) => header(m, 'vbc-error-code') === 'PERIOD_CLOSED',
    );
    const ids = dead.map((m) => (ctx.codec.decode(m.value) as ClaimValue).claimId).sort();
    expect(ids).toEqual([attributed.claimId, 'LATE-2026'].sort());
    expect(header(dead[0]!, 'vbc-reason')).toMatch(/performance year 2026 is closed/);

    const totals = await acoTotals(ctx);
    for (const [key, t] of Object.entries(feed.expected)) expect(totals[key]).toEqual(t);
    const aco = feed.attribution.find((a) => a.mbi === attributed.mbi && a.effectiveTo === null)!.acoId;
    // The April clock claims belong to new, unattributed beneficiaries: only NEW-2027 counts here.
    expect(totals[`${aco}|2027`]).toEqual({ expenditureCents: 5_000, claimRecords: 1 });
  });
});
