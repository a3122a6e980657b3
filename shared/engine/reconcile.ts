import { closeEpisodes } from '../domain/close-episodes.ts';
import { yearOf } from '../domain/dates.ts';
import { closedThroughYear } from '../domain/expiry.ts';
import { teamHospital, teamHospitalReconciliation } from '../domain/team.ts';
import { deterministicId } from '../domain/ids.ts';
import { msspReconciliation, type AcoContract } from '../domain/mssp.ts';
import { applyUpdates } from './apply.ts';
import { acoTotalsOf } from './layout.ts';
import type { Stores } from './stores.ts';
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
  stores: Stores,
  asOf: string,
  overrunThresholds: number[],
  outboxOwner: string,
): Promise<void> {
  const withEpisodes = await stores.reads.episodeBeneficiaries();
  await applyUpdates(stores.beneficiaries, new Map(), {
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
  stores: Stores,
  asOf: string,
  outboxOwner: string,
  skipIfNewer = false,
): Promise<ReconciliationRecord[]> {
  let contracts = await stores.reference.contracts();
  if (skipIfNewer && contracts.length > 0) {
    const latest = new Map((await stores.reference.reconciliations()).map((r) => [reconField(r), r]));
    contracts = contracts.filter(
      (c) => (latest.get(reconField({ kind: 'MSSP', subjectId: msspSubject(c) }))?.asOf ?? '') <= asOf,
    );
  }
  if (contracts.length === 0) return [];
  const totals = await stores.reads.acoTotals(contracts.map((c) => `${c.acoId}|${c.performanceYear}`));
  const records = contracts.map((c, i) => msspRecord(c, acoTotalsOf(totals[i]!).expenditureCents, asOf));
  await stores.outbox.append(
    outboxOwner,
    records.map((r) => JSON.stringify(reconciliationEvent(r))),
    records,
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
  stores: Stores,
  asOf: string,
  outboxOwner: string,
): Promise<ReconciliationRecord[]> {
  const records = teamRecords(await stores.reference.reconciliations(), asOf);
  if (records.length > 0)
    await stores.outbox.append(
      outboxOwner,
      records.map((r) => JSON.stringify(reconciliationEvent(r))),
      records,
    );
  return records;
}

/**
 * Closes the performance years whose claims run-out ended before asOf (expiry.ts), as their final
 * reconciliation does: from then on their claims are refused (PERIOD_CLOSED) and the claims
 * service folds their records into summaries. The closed year only moves forward. Returns the
 * latest year closed (null when years never close: runoutDays null).
 */
export async function closeYearsAsOf(stores: Stores, asOf: string, runoutDays: number | null): Promise<number | null> {
  if (runoutDays === null) return null;
  return stores.clock.closeThrough(closedThroughYear(asOf, runoutDays));
}

/**
 * `vbc reconcile --as-of`: episodes first (their events), then TEAM hospitals, then MSSP per (ACO,
 * year); a year whose run-out has ended before asOf has had its final reconciliation and closes.
 */
export async function reconcile(
  stores: Stores,
  asOf: string,
  overrunThresholds: number[],
  outboxOwner: string,
  runoutDays: number | null = null,
) {
  await closeEpisodesAsOf(stores, asOf, overrunThresholds, outboxOwner);
  const team = await reconcileTeamHospitals(stores, asOf, outboxOwner);
  const records = await reconcileMssp(stores, asOf, outboxOwner);
  const closedThrough = await closeYearsAsOf(stores, asOf, runoutDays);
  return { mssp: records.length, team: team.length, closedThrough };
}
