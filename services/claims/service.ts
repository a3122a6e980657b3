import type { ServiceSpec } from '../../shared/service/consumer-service.ts';
import { factApplier } from '../../shared/service/fact-applier.ts';

const storeFacts = factApplier('claims', () => false);

/**
 * Claims service: adjudicated claims and the attribution roster they are counted by. Attribution is
 * consumed here because a roster change moves a beneficiary's amounts between ACOs. It also keeps
 * the event clock (latest claim thruDate) that scheduled reconciliations run by.
 */
export const claimsService: ServiceSpec = {
  name: 'claims',
  topics: ['claims', 'attribution'],
  apply: async (ctx, records) => {
    await storeFacts(ctx, records);
    let latest = '';
    for (const { fact } of records) if (fact.kind === 'claim' && fact.fact.thruDate > latest) latest = fact.fact.thruDate;
    // After the facts are stored: the clock never runs ahead of the state it stands for.
    if (latest) await ctx.store.advanceClock(latest);
  },
};
