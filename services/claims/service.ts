import { yearOf } from '../../shared/domain/dates.ts';
import { closedThroughYear } from '../../shared/domain/expiry.ts';
import type { ServiceSpec, ValidRecord } from '../../shared/service/consumer-service.ts';
import { factApplier } from '../../shared/service/fact-applier.ts';
import { foldClosedYearsIfDue } from './fold-closed-years.ts';

const storeFacts = factApplier('claims', () => false);

/**
 * Claims service: adjudicated claims and the attribution roster they are counted by. Attribution is
 * consumed here because a roster change moves a beneficiary's amounts between ACOs. It keeps the
 * event clock (latest claim thruDate) that scheduled reconciliations and expiry run by.
 */
export const claimsService: ServiceSpec = {
  name: 'claims',
  topics: ['claims', 'attribution'],
  apply: async (ctx, records, batch) => {
    if (batch.topic !== 'claims') return storeFacts(ctx, records);
    // A claim's year is judged by its partition's event clock as it stood at that record (the
    // records before it), so the verdict is the same on every replay whatever the batch sizes.
    const runout = ctx.config.claimsRunoutDays;
    let clock = runout === null ? '' : ((await ctx.store.partitionClock(batch.partition)) ?? '');
    // The closed year moves only when the clock does: not worked out again for every record.
    const closedOn = (date: string) => (runout === null || date === '' ? -Infinity : closedThroughYear(date, runout));
    let closed = closedOn(clock);
    let latest = '';
    let earliest = '9999-12-31';
    const late = new Set<ValidRecord>();
    for (const r of records) {
      if (r.fact.kind !== 'claim') continue;
      const thru = r.fact.fact.thruDate;
      if (yearOf(thru) <= closed) late.add(r);
      if (thru > clock) {
        clock = thru;
        closed = closedOn(clock);
      }
      if (thru > latest) latest = thru;
      if (thru < earliest) earliest = thru;
    }
    const refused = await storeFacts(ctx, records, (r) => late.has(r));
    // After the facts are stored: the clock never runs ahead of the state it stands for.
    if (latest) await ctx.store.advanceClock(latest, batch.partition, earliest);
    return refused;
  },
  tick: foldClosedYearsIfDue,
  partitionsInFlight: 3,
};
