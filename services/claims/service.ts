import type { ServiceSpec } from '../../shared/service/consumer-service.ts';
import { factApplier } from '../../shared/service/fact-applier.ts';
import { foldClosedYearsIfDue } from './fold-closed-years.ts';

// Its beneficiaries' next records are mostly claim records that only add to totals: a state the
// summary path can take is kept as its summary (apply.ts, summaryOnly).
const storeFacts = factApplier('claims', () => false, { summaryOnly: true });

/**
 * Claims service: adjudicated claims and the attribution roster they are counted by. Attribution is
 * consumed here because a roster change moves a beneficiary's amounts between ACOs. It keeps the
 * event clock that scheduled reconciliations run by: per partition, the date a quorum of distinct
 * claim records has reached (VBC_CLOCK_QUORUM), so no handful of mistyped dates moves it. Claims
 * of a closed performance year (closed by its final reconciliation, see expiry.ts) are refused
 * by the commit, which reads the closed year with the state.
 */
export const claimsService: ServiceSpec = {
  name: 'claims',
  topics: ['claims', 'attribution'],
  apply: async (ctx, records, batch) => {
    if (batch.topic !== 'claims') return storeFacts(ctx, records);
    const before = batch.refusedBefore;
    const refused = await storeFacts(
      ctx,
      records,
      before ? (r) => before.has(`${batch.partition}|${r.message.offset}`) : undefined,
    );
    // The batch's latest records, at most a quorum of them: all the clock can use.
    const quorum = ctx.config.clockQuorum;
    const dated: { thruDate: string; claimId: string }[] = [];
    let earliest = '9999-12-31';
    for (const r of records) {
      if (r.fact.kind !== 'claim') continue;
      dated.push(r.fact.fact);
      if (r.fact.fact.thruDate < earliest) earliest = r.fact.fact.thruDate;
    }
    if (dated.length === 0) return refused;
    dated.sort((a, b) => (a.thruDate < b.thruDate ? 1 : a.thruDate > b.thruDate ? -1 : 0));
    // After the facts are stored: the clock never runs ahead of the state it stands for.
    await ctx.stores.clock.advance(batch.partition, dated.slice(0, quorum), quorum, earliest);
    return refused;
  },
  tick: foldClosedYearsIfDue,
  partitionsInFlight: 3,
  cpuNice: 10,
};
