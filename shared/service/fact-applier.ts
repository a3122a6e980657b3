import { ErrorCode } from '../errors/app-error.ts';
import { yearOf } from '../domain/dates.ts';
import { applyUpdates, type IncomingFact } from '../engine/apply.ts';
import { BYTES_PER_FACT, StateCache } from '../engine/state-cache.ts';
import { SummaryCache } from '../engine/summary-cache.ts';
import type { Refusal, ValidRecord } from './consumer-service.ts';
import type { ServiceContext } from './context.ts';

/**
 * The apply step of the per-beneficiary services: each record becomes a fact under its own id.
 * `replaces` says whether a later record with the same id replaces the earlier one: never for
 * claims (contract 1.1) and attribution (each record is its own fact), yes for ADT corrections.
 * The states this service committed are kept in a cache of at most `config.stateCacheSize`
 * beneficiaries and about `config.stateCacheMb` of heap, and the versions and totals summaries it
 * committed in one of at most `config.summaryCacheSize`; with `summaryOnly` (the claims service), a
 * state the summary path can take next is kept in the second alone (apply.ts).
 * Returns the records refused because their performance year is closed (expiry).
 */
export function factApplier(
  name: string,
  replaces: (kind: string) => boolean,
  { summaryOnly = false }: { summaryOnly?: boolean } = {},
) {
  // Per context: each of a process's contexts (a test driver's, a service's) has its own state and configuration.
  const caches = new WeakMap<ServiceContext, { cache: StateCache; summaries: SummaryCache }>();
  /** `refuseIfNew`: records to refuse unless already held (a rebuild's claims refused the first time). */
  return async (
    ctx: ServiceContext,
    records: ValidRecord[],
    refuseIfNew: (r: ValidRecord) => boolean = () => false,
  ): Promise<Refusal[]> => {
    let held = caches.get(ctx);
    if (!held) {
      held = {
        cache: new StateCache(
          ctx.config.stateCacheSize,
          Math.floor((ctx.config.stateCacheMb * 1024 * 1024) / BYTES_PER_FACT),
        ),
        summaries: new SummaryCache(ctx.config.summaryCacheSize),
      };
      caches.set(ctx, held);
    }
    const updates = new Map<string, IncomingFact[]>();
    for (const record of records) {
      const { fact } = record;
      if (!('mbi' in fact)) continue;
      const list = updates.get(fact.mbi);
      const update: IncomingFact = {
        section: fact.section,
        id: fact.id,
        value: fact.fact,
        replaces: replaces(fact.kind),
        year: fact.kind === 'claim' ? yearOf(fact.fact.thruDate) : undefined,
        refuseIfNew: refuseIfNew(record),
        origin: record,
      };
      if (list) list.push(update);
      else updates.set(fact.mbi, [update]);
    }
    if (updates.size === 0) return [];
    const { refused } = await applyUpdates(ctx.stores.beneficiaries, updates, {
      overrunThresholds: ctx.config.overrunThresholds,
      outboxOwner: name,
      summaryOnly,
      ...held,
    });
    return refused.map((u) => ({
      record: u.origin as ValidRecord,
      code: ErrorCode.PERIOD_CLOSED,
      reason: `performance year ${u.year} is closed (its final reconciliation after the run-out was made); the record was not counted`,
    }));
  };
}
