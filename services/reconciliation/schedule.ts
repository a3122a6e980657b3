import { dueAsOf, isDue } from '../../shared/domain/schedule.ts';
import { reconcileMssp } from '../../shared/engine/reconcile.ts';
import type { ServiceContext } from '../../shared/service/context.ts';

/**
 * Scheduled interim MSSP reconciliation, in event time: once the event clock (latest claim
 * thruDate processed) enters a new month or quarter, reconcile every (ACO, year) as of its first
 * day. Idempotent: a repeat after a crash emits the same events with the same eventIds.
 */
export async function runDueReconciliation(ctx: ServiceContext): Promise<string | null> {
  const schedule = ctx.config.msspSchedule;
  if (schedule === 'off') return null;
  const { clock: clocks } = ctx.stores;
  const [clock, lastRun] = await Promise.all([clocks.eventClock(), clocks.lastScheduledRun()]);
  if (!clock) return null;
  const due = dueAsOf(clock, schedule);
  if (!isDue(due, lastRun ?? null)) return null;
  const records = await reconcileMssp(ctx.stores, due, 'reconciliation', true);
  await clocks.setLastScheduledRun(due);
  ctx.logger.info({ asOf: due, schedule, reconciliations: records.length }, 'scheduled MSSP reconciliation');
  return due;
}
