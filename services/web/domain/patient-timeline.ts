import { currentVersions } from '../../../shared/domain/claim-versions.ts';
import { signedCents } from '../../../shared/domain/claims.ts';
import type { Derived } from '../../../shared/domain/derive.ts';
import type { BeneficiaryFacts } from '../../../shared/domain/facts.ts';
import { encounters } from '../../../shared/domain/stays.ts';

/**
 * One beneficiary's timeline for the patient page, from its facts and derived state: stays,
 * readmissions, episodes with their spend over the window, TCM follow-ups, claims by month, and the
 * ACOs and facilities that decide who may see it.
 */
export function patientTimeline(mbi: string, facts: BeneficiaryFacts, derived: Derived) {
  const stays = encounters(facts).map((s) => ({
    encounterId: s.encounterId,
    facilityId: s.facilityId,
    encounterClass: s.encounterClass,
    admitDate: s.admitDate,
    dischargeDate: s.dischargeDate,
    disposition: s.disposition,
    drg: s.drg,
  }));
  const claims = [...currentVersions(facts.claims.values()).values()];
  const byMonth = new Map<string, { month: string; claimRecords: number; cents: number }>();
  for (const c of facts.claims.values()) {
    const month = c.thruDate.slice(0, 7);
    const m = byMonth.get(month) ?? { month, claimRecords: 0, cents: 0 };
    m.claimRecords++;
    m.cents += signedCents(c);
    byMonth.set(month, m);
  }
  const episodes = derived.episodes.map((e) => {
    // Spend over the window: every claim record whose fromDate falls in it (contract 1.4), by date.
    const daily = new Map<string, number>();
    for (const c of facts.claims.values())
      if (c.fromDate >= e.anchorAdmitDate && c.fromDate <= e.windowEnd)
        daily.set(c.fromDate, (daily.get(c.fromDate) ?? 0) + signedCents(c));
    let running = 0;
    const series = [...daily]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([date, cents]) => ({ date, cumulativeCents: (running += cents) }));
    return {
      episodeId: e.episodeId,
      program: e.program,
      category: e.category,
      anchorAdmitDate: e.anchorAdmitDate,
      anchorDischargeDate: e.anchorDischargeDate,
      windowEnd: e.windowEnd,
      spendCents: e.spendCents,
      targetPriceCents: e.targetPriceCents,
      status: e.status,
      series,
    };
  });
  const alerts = Object.values(derived.alerts);
  return {
    mbi,
    acoIds: [...new Set([...facts.attributions.values()].map((a) => a.acoId))].sort(),
    attributions: [...facts.attributions.values()].map((a) => ({
      acoId: a.acoId,
      effectiveFrom: a.effectiveFrom,
      effectiveTo: a.effectiveTo,
    })),
    facilityIds: [...new Set(stays.map((s) => s.facilityId))].sort(),
    stays,
    readmissions: derived.readmissions,
    episodes,
    followUps: alerts
      .filter((a) => a.type === 'TCM_FOLLOW_UP')
      .map((a) => ({ encounterId: a.subjectId, contactDueDate: a.contactDueDate, visitDueDate: a.visitDueDate })),
    alerts: alerts.map((a) => ({ alertId: a.alertId, type: a.type, subjectId: a.subjectId, reason: a.reason })),
    claimsByMonth: [...byMonth.values()].sort((a, b) => (a.month < b.month ? -1 : 1)),
    currentClaims: claims.length,
  };
}
