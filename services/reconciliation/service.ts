import { applyUpdates } from '../../shared/engine/apply.ts';
import type { AcoContract } from '../../shared/domain/mssp.ts';
import type { ServiceSpec } from '../../shared/service/consumer-service.ts';
import { runDueReconciliation } from './schedule.ts';

/**
 * Reconciliation service: the finance reference data. ACO contracts are stored for MSSP
 * reconciliation; an episode price change re-derives every beneficiary with an episode, so targets
 * and overrun alerts follow the price whichever arrived first. On a schedule (VBC_MSSP_SCHEDULE) it
 * also emits interim MSSP reconciliations as event time passes month or quarter ends.
 */
export const reconciliationService: ServiceSpec = {
  name: 'reconciliation',
  topics: ['aco-contracts', 'episode-prices'],
  tick: async (ctx) => {
    await runDueReconciliation(ctx);
  },
  apply: async (ctx, records): Promise<undefined> => {
    const contracts: AcoContract[] = [];
    const prices: { key: string; targetPriceCents: number }[] = [];
    for (const { fact } of records) {
      if (fact.kind === 'contract') contracts.push(fact.contract);
      else if (fact.kind === 'price') prices.push({ key: fact.key, targetPriceCents: fact.targetPriceCents });
    }
    await ctx.stores.reference.save(contracts, prices);
    if (prices.length === 0) return undefined;
    // Read after the save: a beneficiary whose new episode commits later conflicts on the prices
    // version and re-derives with the new prices; one committed earlier is in this set.
    const withEpisodes = await ctx.stores.reads.episodeBeneficiaries();
    await applyUpdates(ctx.stores.beneficiaries, new Map(), {
      overrunThresholds: ctx.config.overrunThresholds,
      outboxOwner: 'reconciliation',
      refresh: withEpisodes,
    });
    return undefined;
  },
};
