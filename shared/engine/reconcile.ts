import { isClosable, npraCents } from '../domain/episodes.ts';
import type { EpisodeClosureFact } from '../domain/facts.ts';
import { deterministicId } from '../domain/ids.ts';
import { msspReconciliation, type AcoContract } from '../domain/mssp.ts';
import { applyUpdates, type Extension } from './apply.ts';
import type { BeneficiaryStore } from './beneficiary-store.ts';
import { directionOf, reconciliationEvent, type OutboxEvent, type ReconciliationRecord } from './events.ts';

/** The field of a subject's latest reconciliation in the reconciliations hash. */
const reconField = (r: Pick<ReconciliationRecord, 'kind' | 'subjectId'>) => `${r.kind}|${r.subjectId}`;
const msspSubject = (c: AcoContract) => `${c.acoId}:${c.performanceYear}`;

/**
 * Closes every open episode whose window ended before asOf: a closure fact with the figures of its
 * reconciliation event, stored atomically with that event. An episode without a target price is
 * closed with no event. The eventId is a function of the episode, so closing twice is impossible and
 * a re-run emits nothing new.
 */
function closeEpisodes(asOf: string): Extension {
  return (_mbi, facts, derived) => {
    const factPairs: string[] = [];
    const events: OutboxEvent[] = [];
    const reconPairs: string[] = [];
    const episodes = derived.episodes.map((e) => {
      if (!isClosable(e, asOf)) return e;
      const closure: EpisodeClosureFact = {
        episodeId: e.episodeId, asOf, spendCents: e.spendCents, targetPriceCents: e.targetPriceCents ?? 0,
        npraCents: e.targetPriceCents === null ? 0 : npraCents(e.targetPriceCents, e.spendCents),
      };
      facts.closures.set(e.episodeId, closure);
      factPairs.push(`x:${e.episodeId}`, JSON.stringify(closure));
      if (e.targetPriceCents !== null) {
        const record: ReconciliationRecord = {
          eventId: deterministicId('rc', 'EPISODE', e.episodeId), kind: 'EPISODE', subjectId: e.episodeId, amountCents: closure.npraCents,
          final: true, asOf, direction: directionOf(closure.npraCents),
          working: {
            category: e.category, anchorAdmitDate: e.anchorAdmitDate, anchorDischargeDate: e.anchorDischargeDate, windowEnd: e.windowEnd,
            targetPriceCents: String(e.targetPriceCents), spendCents: String(e.spendCents), capCents: String(Math.round(e.targetPriceCents * 0.2)),
          },
        };
        events.push(reconciliationEvent(record));
        reconPairs.push(reconField(record), JSON.stringify(record));
      }
      return { ...e, status: 'RECONCILED' as const };
    });
    if (factPairs.length === 0) return null;
    return { factPairs, events, reconPairs, derived: { ...derived, episodes } };
  };
}

/** MSSP reconciliation of one (ACO, year): final when the year ended before asOf, else interim. */
export function msspRecord(contract: AcoContract, expenditureCents: number, asOf: string): ReconciliationRecord {
  const result = msspReconciliation(contract, expenditureCents);
  const final = `${contract.performanceYear}-12-31` < asOf;
  const subjectId = msspSubject(contract);
  return {
    eventId: deterministicId('rc', 'MSSP', subjectId, final ? 'final' : asOf, expenditureCents, JSON.stringify(contract)),
    kind: 'MSSP', subjectId, amountCents: result.amountCents, final, asOf, direction: directionOf(result.amountCents),
    working: Object.fromEntries(Object.entries({ track: contract.track, ...result }).map(([k, v]) => [k, String(v)])),
  };
}

/** Closes every open episode whose window ended before asOf, emitting its reconciliation. */
export async function closeEpisodesAsOf(store: BeneficiaryStore, asOf: string, overrunThresholds: number[], outboxOwner: string): Promise<void> {
  const withEpisodes = await store.redis.smembers(store.keys.episodeBeneficiaries);
  await applyUpdates(store, new Map(), { overrunThresholds, outboxOwner, refresh: withEpisodes, extension: closeEpisodes(asOf) });
}

/**
 * MSSP reconciliation of every (ACO, year) with a contract, as of a date; appended to the outbox
 * atomically. `skipIfNewer` (the schedule): leave alone a subject whose latest reconciliation is as
 * of a later date, so a scheduled interim never replaces a final an operator already ran.
 */
export async function reconcileMssp(store: BeneficiaryStore, asOf: string, outboxOwner: string, skipIfNewer = false): Promise<ReconciliationRecord[]> {
  const keys = store.keys;
  let contracts = Object.values(await store.redis.hgetall(keys.contracts)).map((j) => JSON.parse(j) as AcoContract);
  if (skipIfNewer && contracts.length > 0) {
    const latest = await store.redis.hmget(keys.reconciliations, ...contracts.map((c) => reconField({ kind: 'MSSP', subjectId: msspSubject(c) })));
    contracts = contracts.filter((_, i) => latest[i] === null || (JSON.parse(latest[i]!) as ReconciliationRecord).asOf <= asOf);
  }
  if (contracts.length === 0) return [];
  const pipeline = store.redis.pipeline();
  for (const c of contracts) pipeline.hget(keys.aco(`${c.acoId}|${c.performanceYear}`), 'expenditureCents');
  const spent = ((await pipeline.exec()) ?? []).map(([, v]) => Number(v ?? 0));
  const records = contracts.map((c, i) => msspRecord(c, spent[i]!, asOf));
  await store.append(outboxOwner, records.map((r) => JSON.stringify(reconciliationEvent(r))), records.flatMap((r) => [reconField(r), JSON.stringify(r)]));
  return records;
}

/** `vbc reconcile --as-of`: episodes first (their events), then MSSP per (ACO, year). */
export async function reconcile(store: BeneficiaryStore, asOf: string, overrunThresholds: number[], outboxOwner: string) {
  await closeEpisodesAsOf(store, asOf, overrunThresholds, outboxOwner);
  const records = await reconcileMssp(store, asOf, outboxOwner);
  return { mssp: records.length };
}
