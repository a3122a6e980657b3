import { applyUpdates } from '../../shared/engine/apply.ts';
import { newVersion } from '../../shared/engine/beneficiary-store.ts';
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
    const keys = ctx.store.keys;
    // One transaction: the prices and their version change together (see the commit script).
    const pipeline = ctx.redis.multi();
    let pricesChanged = false;
    for (const { fact } of records) {
      if (fact.kind === 'contract') {
        pipeline.hset(
          keys.contracts,
          `${fact.contract.acoId}|${fact.contract.performanceYear}`,
          JSON.stringify(fact.contract),
        );
      } else if (fact.kind === 'price') {
        pipeline.hset(keys.prices, fact.key, String(fact.targetPriceCents));
        pricesChanged = true;
      }
    }
    // A version no earlier price set had, also across a reset (which starts the key over): a
    // service that cached prices read under an equal counter would go on using them.
    if (pricesChanged) pipeline.set(keys.pricesVersion, newVersion());
    await pipeline.exec();
    if (!pricesChanged) return undefined;
    // Read after the transaction: a beneficiary whose new episode commits later conflicts on the
    // prices version and re-derives with the new prices; one committed earlier is in this set.
    const withEpisodes = await ctx.redis.smembers(keys.episodeBeneficiaries);
    await applyUpdates(ctx.store, new Map(), {
      overrunThresholds: ctx.config.overrunThresholds,
      outboxOwner: 'reconciliation',
      refresh: withEpisodes,
    });
    return undefined;
  },
};
