import { closeEpisodes } from '../domain/close-episodes.ts';
import { yearOf } from '../domain/dates.ts';
import { closedThroughYear } from '../domain/expiry.ts';
import { teamHospital, teamHospitalReconciliation } from '../domain/team.ts';
import { deterministicId } from '../domain/ids.ts';
import { msspReconciliation, type AcoContract } from '../domain/mssp.ts';
import { applyUpdates } from './apply.ts';
import type { BeneficiaryStore } from './beneficiary-store.ts';
import { directionOf, reconciliationEvent, reconciliationField, type ReconciliationRecord } from './events.ts';

const msspSubject = (c: AcoContract) => `${c.acoId}:${c.performanceYear}`;
const reconField = reconciliationField;

/** MSSP reconciliation of one (ACO, year): final when the year ended before asOf, else interim. */
export function msspRecord(contract: AcoContract, expenditureCents: number, asOf: string): ReconciliationRecord {
  const result = msspReconciliation(contract, expenditureCents);
  const final = `${contract.performanceYear}-12-31` < asOf;
  const subjectId = msspSubject(contract);
  return {
    eventId: deterministicId(
      'rc',
      'MSSP',
      subjectId,
      final ? 'final' : asOf,
      expenditureCents,
      JSON.stringify(contract),
    ),
    kind: 'MSSP',
    subjectId,
    amountCents: result.amountCents,
    final,
    asOf,
    direction: directionOf(result.amountCents),
    working: Object.fromEntries(Object.entries({ track: contract.track, ...result }).map(([k, v]) => [k, String(v)])),
  };
}

/** Closes every open episode whose window ended before asOf, emitting its reconciliation. */
export async function closeEpisodesAsOf(
  store: BeneficiaryStore,
  asOf: string,
  overrunThresholds: number[],
  outboxOwner: string,
): Promise<void> {
  const withEpisodes = await store.redis.smembers(store.keys.episodeBeneficiaries);
  await applyUpdates(store, new Map(), {
    overrunThresholds,
    outboxOwner,
    refresh: withEpisodes,
    transform: closeEpisodes(asOf),
  });
}

/**
 * MSSP reconciliation of every (ACO, year) with a contract, as of a date; appended to the outbox
 * atomically. `skipIfNewer` (the schedule): leave alone a subject whose latest reconciliation is as
 * of a later date, so a scheduled interim never replaces a final an operator already ran.
 */
export async function reconcileMssp(
  store: BeneficiaryStore,
  asOf: string,
  outboxOwner: string,
  skipIfNewer = false,
): Promise<ReconciliationRecord[]> {
  const keys = store.keys;
  let contracts = Object.values(await store.redis.hgetall(keys.contracts)).map((j) => JSON.parse(j) as AcoContract);
  if (skipIfNewer && contracts.length > 0) {
    const latest = await store.redis.hmget(
      keys.reconciliations,
      ...contracts.map((c) => reconField({ kind: 'MSSP', subjectId: msspSubject(c) })),
    );
    contracts = contracts.filter(
      (_, i) => latest[i] === null || (JSON.parse(latest[i]!) as ReconciliationRecord).asOf <= asOf,
    );
  }
  if (contracts.length === 0) return [];
  const pipeline = store.redis.pipeline();
  for (const c of contracts) pipeline.hget(keys.aco(`${c.acoId}|${c.performanceYear}`), 'expenditureCents');
  const spent = ((await pipeline.exec()) ?? []).map(([, v]) => Number(v ?? 0));
  const records = contracts.map((c, i) => msspRecord(c, spent[i]!, asOf));
  await store.append(
    outboxOwner,
    records.map((r) => JSON.stringify(reconciliationEvent(r))),
    records.flatMap((r) => [reconField(r), JSON.stringify(r)]),
  );
  return records;
}

/**
 * TEAM hospital-level reconciliation (team.ts) of every (hospital, performance year) with closed
 * TEAM episodes, from the episodes' own reconciliation records: a TEAM episode belongs to the
 * performance year its window ends in. Final when that year ended before asOf (every episode of
 * it has closed by then), else interim. Appended to the outbox atomically.
 */
export function teamRecords(episodeRecords: ReconciliationRecord[], asOf: string): ReconciliationRecord[] {
  const byHospitalYear = new Map<
    string,
    { facilityId: string; year: number; episodes: { targetPriceCents: number; spendCents: number }[] }
  >();
  for (const r of episodeRecords) {
    if (r.kind !== 'EPISODE' || r.program !== 'TEAM' || !r.working.anchorFacilityId) continue;
    const year = yearOf(r.working.windowEnd!);
    const key = `${r.working.anchorFacilityId}:${year}`;
    let group = byHospitalYear.get(key);
    if (!group) byHospitalYear.set(key, (group = { facilityId: r.working.anchorFacilityId, year, episodes: [] }));
    group.episodes.push({
      targetPriceCents: Number(r.working.targetPriceCents),
      spendCents: Number(r.working.spendCents),
    });
  }
  return [...byHospitalYear]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([subjectId, g]) => {
      const hospital = teamHospital(g.facilityId, g.year);
      const result = teamHospitalReconciliation(hospital, g.episodes);
      const final = `${g.year}-12-31` < asOf;
      return {
        eventId: deterministicId(
          'rc',
          'TEAM',
          subjectId,
          final ? 'final' : asOf,
          JSON.stringify(result),
          JSON.stringify(hospital),
        ),
        kind: 'TEAM' as const,
        program: 'TEAM' as const,
        subjectId,
        amountCents: result.amountCents,
        final,
        asOf,
        direction: directionOf(result.amountCents),
        working: Object.fromEntries(
          Object.entries({ facilityId: g.facilityId, performanceYear: g.year, ...result }).map(([k, v]) => [
            k,
            String(v),
          ]),
        ),
      };
    });
}

async function reconcileTeamHospitals(
  store: BeneficiaryStore,
  asOf: string,
  outboxOwner: string,
): Promise<ReconciliationRecord[]> {
  const held = Object.values(await store.redis.hgetall(store.keys.reconciliations)).map(
    (j) => JSON.parse(j) as ReconciliationRecord,
  );
  const records = teamRecords(held, asOf);
  if (records.length > 0) {
    await store.append(
      outboxOwner,
      records.map((r) => JSON.stringify(reconciliationEvent(r))),
      records.flatMap((r) => [reconField(r), JSON.stringify(r)]),
    );
  }
  return records;
}

/**
 * Closes the performance years whose claims run-out ended before asOf (expiry.ts), as their final
 * reconciliation does: from then on their claims are refused (PERIOD_CLOSED) and the claims
 * service folds their records into summaries. The closed year only moves forward. Returns the
 * latest year closed (null when none, or when years never close: runoutDays null).
 */
export async function closeYearsAsOf(
  store: BeneficiaryStore,
  asOf: string,
  runoutDays: number | null,
): Promise<number | null> {
  if (runoutDays === null) return null;
  const through = closedThroughYear(asOf, runoutDays);
  const held = Number(await store.redis.eval(RAISE_SCRIPT, 1, store.keys.closedThrough, String(through)));
  return held;
}

/** Sets a number key to ARGV[1] if it is higher than the one held (or none is); returns what it holds. */
const RAISE_SCRIPT = `
local held = redis.call('GET', KEYS[1])
if not held or tonumber(ARGV[1]) > tonumber(held) then redis.call('SET', KEYS[1], ARGV[1]) return ARGV[1] end
return held
`;

/**
 * `vbc reconcile --as-of`: episodes first (their events), then TEAM hospitals, then MSSP per (ACO,
 * year); a year whose run-out has ended before asOf has had its final reconciliation and closes.
 */
export async function reconcile(
  store: BeneficiaryStore,
  asOf: string,
  overrunThresholds: number[],
  outboxOwner: string,
  runoutDays: number | null = null,
) {
  await closeEpisodesAsOf(store, asOf, overrunThresholds, outboxOwner);
  const team = await reconcileTeamHospitals(store, asOf, outboxOwner);
  const records = await reconcileMssp(store, asOf, outboxOwner);
  const closedThrough = await closeYearsAsOf(store, asOf, runoutDays);
  return { mssp: records.length, team: team.length, closedThrough };
}
