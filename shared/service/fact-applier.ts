import { applyUpdates, type FactUpdate } from '../engine/apply.ts';
import { StateCache } from '../engine/state-cache.ts';
import type { ServiceSpec } from './consumer-service.ts';

/**
 * The apply step of the per-beneficiary services: each record becomes a fact under its own id.
 * `overwrite` says whether a later record with the same id replaces the earlier one: never for
 * claims (contract 1.1) and attribution (each record is its own fact), yes for ADT corrections.
 * The states this service committed are kept in a cache of `config.stateCacheSize` beneficiaries.
 */
export function factApplier(name: string, overwrite: (kind: string) => boolean): ServiceSpec['apply'] {
  let cache: StateCache | null = null;
  return async (ctx, records) => {
    cache ??= new StateCache(ctx.config.stateCacheSize);
    const updates = new Map<string, FactUpdate[]>();
    for (const { fact } of records) {
      if (!('mbi' in fact)) continue;
      const list = updates.get(fact.mbi);
      const update: FactUpdate = { field: fact.field, json: JSON.stringify(fact.fact), value: fact.fact, overwrite: overwrite(fact.kind) };
      if (list) list.push(update);
      else updates.set(fact.mbi, [update]);
    }
    if (updates.size === 0) return;
    await applyUpdates(ctx.store, updates, { overrunThresholds: ctx.config.overrunThresholds, outboxOwner: name, cache });
  };
}
