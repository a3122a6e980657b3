import { currentVersions } from './claim-versions.ts';
import { addBusinessDays } from './business-days.ts';
import { addDays } from './dates.ts';
import type { BeneficiaryFacts, ClaimFact } from './facts.ts';
import { encounters, inpatientStays, type Stay } from './stays.ts';

/**
 * Transitional care (contract 1.5): a stay or observation encounter discharged home or to home
 * health needs contact within two business days and a face-to-face visit within 14 days
 * (CPT 99495/99496). The follow-up is open until a qualifying visit is billed or the patient is
 * back in hospital; it never expires by itself.
 */
export const HOME_DISPOSITIONS: ReadonlySet<string> = new Set(['01', '06', '81', '86']);
export const CONTACT_BUSINESS_DAYS = 2;
export const VISIT_DAYS = 14;

/** TCM codes and the office and home E/M visits that close the gap: 99495, 99496, 99202-99215, 99341-99350. */
export function isFollowUpVisitCode(code: string): boolean {
  if (code.length !== 5) return false;
  const n = Number(code);
  return n === 99495 || n === 99496 || (n >= 99202 && n <= 99215) || (n >= 99341 && n <= 99350);
}

/** Whether a claim record could close a follow-up: a professional claim with a visit code (any version). */
export function couldCloseFollowUp(claim: ClaimFact): boolean {
  return claim.claimType === 'PROFESSIONAL' && claim.hcpcsCodes.some(isFollowUpVisitCode);
}

export interface FollowUp {
  encounter: Stay;
  dischargeDate: string;
  contactDueDate: string;
  visitDueDate: string;
}

/** Every follow-up a discharge raises, whether closed or not. */
export function followUpsDue(facts: BeneficiaryFacts): FollowUp[] {
  const out: FollowUp[] = [];
  for (const e of encounters(facts)) {
    if (e.dischargeDate === null || e.disposition === null || !HOME_DISPOSITIONS.has(e.disposition)) continue;
    if (e.encounterClass !== 'INPATIENT' && e.encounterClass !== 'OBSERVATION') continue;
    out.push({
      encounter: e,
      dischargeDate: e.dischargeDate,
      contactDueDate: addBusinessDays(e.dischargeDate, CONTACT_BUSINESS_DAYS),
      visitDueDate: addDays(e.dischargeDate, VISIT_DAYS),
    });
  }
  return out.sort((a, b) => (a.encounter.encounterId < b.encounter.encounterId ? -1 : 1));
}

/**
 * The follow-ups still open: no qualifying visit (a current, not cancelled, professional claim
 * with a visit code, from discharge + 1 to discharge + 14) and no other inpatient stay admitted
 * from the discharge date to discharge + 14.
 */
export function openFollowUps(facts: BeneficiaryFacts): FollowUp[] {
  const due = followUpsDue(facts);
  if (due.length === 0) return due;
  const visits: string[] = [];
  for (const c of currentVersions(facts.claims.values()).values()) if (couldCloseFollowUp(c)) visits.push(c.fromDate);
  const stays = inpatientStays(facts);
  return due.filter((f) => {
    const first = addDays(f.dischargeDate, 1);
    if (visits.some((d) => d >= first && d <= f.visitDueDate)) return false;
    return !stays.some(
      (s) =>
        s.encounterId !== f.encounter.encounterId && s.admitDate >= f.dischargeDate && s.admitDate <= f.visitDueDate,
    );
  });
}
