import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimsService } from '../../services/claims/service.ts';
import { exportState } from '../../services/cli/state-export.ts';
import { reconciliationService } from '../../services/reconciliation/service.ts';
import { runDueReconciliation } from '../../services/reconciliation/schedule.ts';
import { loadConfig } from '../../shared/config/config.ts';
import { msspReconciliation, type AcoContract } from '../../shared/domain/mssp.ts';
import { reconcile } from '../../shared/engine/reconcile.ts';
import type { InputTopic } from '../../shared/kafka/topics.ts';
import { startService, type RunningService } from '../../shared/service/consumer-service.ts';
import { openContext, type Context } from '../../shared/service/context.ts';
import { isolatedEnv } from '../support/isolated.ts';
import { readTopic } from '../../shared/kafka/read-topic.ts';
import { waitUntil } from '../support/service-process.ts';
import { claimsLag, publishRecords } from '../support/publish-records.ts';

const config = loadConfig({
  ...process.env,
  ...isolatedEnv('schedule'),
  VBC_MSSP_SCHEDULE: 'monthly',
  VBC_SCHEDULE_CHECK_MS: '200',
  VBC_CLOCK_QUORUM: '1',
});
// A quorum of one record: this test's single beneficiary moves its partition's clock by each claim.
const contract: AcoContract = {
  acoId: 'S1',
  performanceYear: 2026,
  track: 'BASIC_C',
  benchmarkPerCapitaCents: 100_000,
  assignedBeneficiaries: 5_000,
  msrMlr: 'VARIABLE',
  qualityGate: 'MET',
  qualityScore: 90,
  participantRevenueCents: null,
};
const claimOn = (id: string, thruDate: string, paidAmountCents: number) => ({
  claimId: id,
  claimControlNumber: id,
  adjustmentType: 'ORIGINAL',
  mbi: '1SS0SS0SS01',
  claimType: 'PROFESSIONAL',
  fromDate: thruDate,
  thruDate,
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
});

let ctx: Context;
let services: RunningService[] = [];

const publish = (topic: InputTopic, values: object[]) => publishRecords(ctx, topic, values);
const caughtUp = async () => (await claimsLag(ctx, config)) === 0;
const msspEvents = async () =>
  (await readTopic(ctx.kafka, ctx.admin, ctx.topics.output('reconciliations'))).map(
    (m) =>
      ctx.codec.decode(m.value) as {
        eventId: string;
        asOf: string;
        final: boolean;
        amountCents: number;
        subjectId: string;
      },
  );

describe('reconciliation service: interim MSSP reconciliations on a monthly schedule in event time', () => {
  beforeAll(async () => {
    ctx = await openContext('test-schedule', config);
    services = [await startService(ctx, claimsService), await startService(ctx, reconciliationService)];
  });
  afterAll(async () => {
    for (const s of services) await s.stop();
    await ctx?.close();
  });

  it('emits one interim reconciliation as of each month event time enters, with the whole working, and re-emits the same eventId', async () => {
    await publish('aco-contracts', [{ ...contract }]);
    await publish('attribution', [{ mbi: '1SS0SS0SS01', acoId: 'S1', effectiveFrom: '2026-01-01', effectiveTo: null }]);
    await publish('claims', [claimOn('K1', '2026-01-20', 40_000_000), claimOn('K2', '2026-02-11', 45_000_000)]);
    await waitUntil(caughtUp, 'the claims to be processed');
    await waitUntil(
      async () => (await msspEvents()).some((e) => e.asOf === '2026-02-01'),
      'the February reconciliation',
    );

    await publish('claims', [claimOn('K3', '2026-03-05', 5_000_000)]);
    await waitUntil(caughtUp, 'the March claim to be processed');
    await waitUntil(async () => (await msspEvents()).some((e) => e.asOf === '2026-03-01'), 'the March reconciliation');

    const events = await msspEvents();
    expect(events.map((e) => e.asOf)).toEqual(['2026-02-01', '2026-03-01']);
    const march = events[1]!;
    // $1,000 x 5,000 = $5M benchmark; $900k spent: 82% savings, 50% shared = $2.05M, capped at 10% = $500k.
    expect(march).toMatchObject({
      subjectId: 'S1:2026',
      final: false,
      amountCents: msspReconciliation(contract, 90_000_000).amountCents,
    });
    expect(march.amountCents).toBe(50_000_000);
    expect((events[0] as unknown as { working: Record<string, string> }).working).toMatchObject({
      track: 'BASIC_C',
      expenditureCents: '85000000',
      benchmarkTotalCents: '500000000',
    });

    // The same period again (a restart that lost its bookmark) emits the same event id.
    await ctx.redis.del(ctx.keys.lastScheduledRun);
    expect(await runDueReconciliation(ctx)).toBe('2026-03-01');
    await services[1]!.relay.flush();
    const again = (await msspEvents()).filter((e) => e.asOf === '2026-03-01');
    expect(new Set(again.map((e) => e.eventId))).toEqual(new Set([march.eventId]));
  });

  it('never replaces a final reconciliation an operator already ran with a scheduled interim', async () => {
    await reconcile(ctx.stores, '2027-01-15', config.overrunThresholds, 'cli');
    await ctx.redis.del(ctx.keys.lastScheduledRun);
    await runDueReconciliation(ctx);
    const latest = (await exportState(ctx.stores)).reconciliations.find((r) => r.subjectId === 'S1:2026');
    expect(latest).toMatchObject({ kind: 'MSSP', final: true, asOf: '2027-01-15' });
  });
});
