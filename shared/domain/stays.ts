import { daysBetween } from './dates.ts';
import type { AdmissionRecord, BeneficiaryFacts, DischargeRecord, EncounterClass } from './facts.ts';

/** NUBC discharge statuses that transfer the patient to another acute care hospital (contract 1.3). */
export const TRANSFER_DISPOSITIONS: ReadonlySet<string> = new Set(['02', '05', '66', '82', '85', '94']);
/**
 * Statuses after which a stay cannot be an index stay: transfers, against medical advice (07), expired or hospice (20,
 * 40-42).
 */
export const NON_INDEX_DISPOSITIONS: ReadonlySet<string> = new Set([
  ...TRANSFER_DISPOSITIONS,
  '07',
  '20',
  '40',
  '41',
  '42',
]);
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

/**
 * Every encounter known from its admission and/or discharge record in force (a cancelled record
 * counts as none). The class is the discharge record's when it carries one (the class the patient
 * was discharged with), else the admission's; admit date and facility are the admission's, else
 * the discharge's.
 */
export function encounters(facts: BeneficiaryFacts): Stay[] {
  const out: Stay[] = [];
  const seen = new Set<string>();
  for (const id of [...facts.admissions.keys(), ...facts.discharges.keys()]) {
    if (seen.has(id)) continue;
    seen.add(id);
    const a = facts.admissions.get(id);
    const d = facts.discharges.get(id);
    const adm: AdmissionRecord | undefined = a && !a.cancelled ? a : undefined;
    const dis: DischargeRecord | undefined = d && !d.cancelled ? d : undefined;
    if (!adm && !dis) continue;
    out.push({
      encounterId: id,
      facilityId: (adm?.facilityId ?? dis?.facilityId)!,
      admitDate: (adm?.admitDate ?? dis?.admitDate)!,
      dischargeDate: dis?.dischargeDate ?? null,
      disposition: dis?.disposition ?? null,
      encounterClass: dis?.encounterClass ?? adm?.encounterClass ?? 'INPATIENT',
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

const byAdmitThenId = (a: Stay, b: Stay) =>
  a.admitDate === b.admitDate ? cmp(a.encounterId, b.encounterId) : cmp(a.admitDate, b.admitDate);

/** Inpatient stays in (admitDate, encounterId) order; observation and emergency encounters drop out. */
export function inpatientStays(facts: BeneficiaryFacts): Stay[] {
  return encounters(facts)
    .filter((s) => s.encounterClass === 'INPATIENT')
    .sort(byAdmitThenId);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * CMS's date-based transfer rule: a stay is a transfer, whatever its disposition says, when the
 * beneficiary's next stay is at another facility and admitted on its discharge date or the day after.
 */
export function transferredByDate(stay: Stay, next: Stay | undefined): boolean {
  if (!next || stay.dischargeDate === null || next.facilityId === stay.facilityId) return false;
  const gap = daysBetween(stay.dischargeDate, next.admitDate);
  return gap === 0 || gap === 1;
}

/** An index stay (contract 1.3): discharged, not by a non-index disposition, and not transferred by the date rule. */
export function isIndexStay(stay: Stay, next: Stay | undefined): boolean {
  return (
    stay.dischargeDate !== null &&
    stay.disposition !== null &&
    !NON_INDEX_DISPOSITIONS.has(stay.disposition) &&
    !transferredByDate(stay, next)
  );
}

/**
 * Contract 1.3: B readmits index stay A when B is the very next inpatient stay after A and is
 * admitted 0..30 days after A's discharge. Only the next stay is considered, so transfer chains
 * and stays seen in between are handled by the ordering alone.
 */
export function readmissions(facts: BeneficiaryFacts): Readmission[] {
  return readmissionsOf(inpatientStays(facts));
}

export function readmissionsOf(stays: Stay[]): Readmission[] {
  const out: Readmission[] = [];
  for (let i = 0; i + 1 < stays.length; i++) {
    const a = stays[i]!;
    const b = stays[i + 1]!;
    if (!isIndexStay(a, b)) continue;
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
