import { daysBetween } from './dates.ts';
import type { BeneficiaryFacts, EncounterClass } from './facts.ts';

/** NUBC discharge statuses after which a stay cannot be an index stay (contract 1.3). */
export const NON_INDEX_DISPOSITIONS: ReadonlySet<string> = new Set(['02', '07', '20', '40', '41', '42']);
export const READMISSION_WINDOW_DAYS = 30;

export interface Stay {
  encounterId: string;
  facilityId: string;
  admitDate: string;
  dischargeDate: string | null;
  disposition: string | null;
  encounterClass: EncounterClass;
  /** Elective with a planned procedure, per the admission record; no admission record = unplanned. */
  planned: boolean;
  drg: string | null;
  receivedAt: string | null;
}

export interface Readmission {
  indexEncounterId: string;
  readmissionEncounterId: string;
  daysToReadmit: number;
  planned: boolean;
  index: Stay;
  readmission: Stay;
}

/** Every encounter known from its admission and/or discharge record. */
export function encounters(facts: BeneficiaryFacts): Stay[] {
  const ids = new Set([...facts.admissions.keys(), ...facts.discharges.keys()]);
  const out: Stay[] = [];
  for (const id of ids) {
    const adm = facts.admissions.get(id);
    const dis = facts.discharges.get(id);
    out.push({
      encounterId: id,
      facilityId: (adm?.facilityId ?? dis?.facilityId)!,
      admitDate: (adm?.admitDate ?? dis?.admitDate)!,
      dischargeDate: dis?.dischargeDate ?? null,
      disposition: dis?.disposition ?? null,
      encounterClass: adm?.encounterClass ?? dis?.encounterClass ?? 'INPATIENT',
      planned: adm !== undefined && adm.admitType === 'ELECTIVE' && adm.plannedProcedure,
      drg: dis?.drg ?? null,
      receivedAt: latest(adm?.receivedAt ?? null, dis?.receivedAt ?? null),
    });
  }
  return out;
}

function latest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}

/** Inpatient stays in (admitDate, encounterId) order; observation and emergency encounters drop out. */
export function inpatientStays(facts: BeneficiaryFacts): Stay[] {
  return encounters(facts)
    .filter((s) => s.encounterClass === 'INPATIENT')
    .sort((a, b) => (a.admitDate === b.admitDate ? cmp(a.encounterId, b.encounterId) : cmp(a.admitDate, b.admitDate)));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isIndexStay(stay: Stay): boolean {
  return stay.dischargeDate !== null && stay.disposition !== null && !NON_INDEX_DISPOSITIONS.has(stay.disposition);
}

/**
 * Contract 1.3: B readmits index stay A when B is the very next inpatient stay after A and is
 * admitted 0..30 days after A's discharge. Only the next stay is considered, so transfer chains
 * and stays seen in between are handled by the ordering alone.
 */
export function readmissions(facts: BeneficiaryFacts): Readmission[] {
  const stays = inpatientStays(facts);
  const out: Readmission[] = [];
  for (let i = 0; i + 1 < stays.length; i++) {
    const a = stays[i]!;
    const b = stays[i + 1]!;
    if (!isIndexStay(a)) continue;
    const days = daysBetween(a.dischargeDate!, b.admitDate);
    if (days < 0 || days > READMISSION_WINDOW_DAYS) continue;
    out.push({
      indexEncounterId: a.encounterId,
      readmissionEncounterId: b.encounterId,
      daysToReadmit: days,
      planned: b.planned,
      index: a,
      readmission: b,
    });
  }
  return out;
}
