import { acoOn } from './claims.ts';
import { daysBetween } from './dates.ts';
import type { Episode } from './episodes.ts';
import type { BeneficiaryFacts, Reference } from './facts.ts';
import { deterministicId } from './ids.ts';
import type { Readmission } from './stays.ts';
import { openFollowUps } from './tcm.ts';

export type AlertType = 'READMISSION' | 'EPISODE_OVERRUN' | 'TCM_FOLLOW_UP';

/** An alert in force: its condition holds on the current facts (contract 1.5). */
export interface Alert {
  alertId: string;
  type: AlertType;
  subjectId: string;
  threshold: number | null;
  /** TCM_FOLLOW_UP: interactive contact due (second business day after discharge); else null. */
  contactDueDate: string | null;
  /** TCM_FOLLOW_UP: face-to-face visit due (discharge + 14 days); else null. */
  visitDueDate: string | null;
  acoId: string | null;
  reason: string;
  details: Record<string, string>;
  receivedAt: string | null;
}

/** alertId is a pure function of type, subject and threshold, never of timing. */
export function alertIdFor(type: AlertType, mbi: string, subjectId: string, threshold: number | null): string {
  return deterministicId('al', type, mbi, subjectId, threshold);
}

function openEpisodeOn(episodes: Episode[], date: string): Episode | undefined {
  return episodes.find((e) => e.anchorAdmitDate <= date && date <= e.windowEnd);
}

export function readmissionAlerts(
  mbi: string,
  facts: BeneficiaryFacts,
  readmissions: Readmission[],
  episodes: Episode[],
): Alert[] {
  const attributions = [...facts.attributions.values()];
  return readmissions
    .filter((r) => !r.planned)
    .map((r) => {
      const episode = openEpisodeOn(episodes, r.readmission.admitDate);
      const details: Record<string, string> = {
        indexEncounterId: r.indexEncounterId,
        indexFacilityId: r.index.facilityId,
        indexAdmitDate: r.index.admitDate,
        indexDischargeDate: r.index.dischargeDate ?? '',
        indexDisposition: r.index.disposition ?? '',
        readmittingFacilityId: r.readmission.facilityId,
        readmitDate: r.readmission.admitDate,
        daysSinceDischarge: String(r.daysToReadmit),
      };
      if (episode) {
        details.openEpisodeId = episode.episodeId;
        details.openEpisodeCategory = episode.category;
      }
      return {
        alertId: alertIdFor('READMISSION', mbi, r.readmissionEncounterId, null),
        type: 'READMISSION' as const,
        subjectId: r.readmissionEncounterId,
        threshold: null,
        contactDueDate: null,
        visitDueDate: null,
        acoId: acoOn(r.readmission.admitDate, attributions),
        reason: `Unplanned readmission at ${r.readmission.facilityId} on ${r.readmission.admitDate}, ${r.daysToReadmit} days after discharge from ${r.index.facilityId}`,
        details,
        receivedAt: r.readmission.receivedAt,
      };
    });
}

/** Contract 1.4: one alert per threshold while spend >= threshold% of the target price. */
export function overrunAlerts(
  mbi: string,
  facts: BeneficiaryFacts,
  episodes: Episode[],
  reference: Reference,
): Alert[] {
  const attributions = [...facts.attributions.values()];
  const out: Alert[] = [];
  for (const e of episodes) {
    if (e.targetPriceCents === null || e.targetPriceCents <= 0) continue;
    for (const threshold of reference.overrunThresholds) {
      // Integer comparison: spend * 100 >= threshold * target, no floating point at the boundary.
      if (e.spendCents * 100 < threshold * e.targetPriceCents) continue;
      const percent = ((e.spendCents * 100) / e.targetPriceCents).toFixed(1);
      const largest = Object.entries(e.spendByClaimType)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3);
      const asOf = episodeEventDate(e, facts);
      out.push({
        alertId: alertIdFor('EPISODE_OVERRUN', mbi, e.episodeId, threshold),
        type: 'EPISODE_OVERRUN',
        subjectId: e.episodeId,
        threshold,
        contactDueDate: null,
        visitDueDate: null,
        acoId: acoOn(e.anchorAdmitDate, attributions),
        reason: `${e.program === 'TEAM' ? 'TEAM' : 'BPCI Advanced'} ${e.category} episode at ${percent}% of its target price (threshold ${threshold}%)`,
        details: {
          program: e.program,
          category: e.category,
          anchorFacilityId: e.anchorFacilityId ?? '',
          anchorAdmitDate: e.anchorAdmitDate,
          anchorDischargeDate: e.anchorDischargeDate,
          windowEnd: e.windowEnd,
          spendCents: String(e.spendCents),
          targetPriceCents: String(e.targetPriceCents),
          percentOfTarget: percent,
          windowAsOf: asOf,
          daysLeftInWindow: String(daysLeft(e, asOf)),
          largestCostLines: largest.map(([type, cents]) => `${type}:${cents}`).join(','),
        },
        receivedAt: null,
      });
    }
  }
  return out;
}

/**
 * Contract 1.5: one TCM_FOLLOW_UP alert per discharge home (or home health) of a stay or an
 * observation encounter, in force until a qualifying visit or a new admission closes it.
 */
export function followUpAlerts(mbi: string, facts: BeneficiaryFacts): Alert[] {
  const attributions = [...facts.attributions.values()];
  return openFollowUps(facts).map((f) => ({
    alertId: alertIdFor('TCM_FOLLOW_UP', mbi, f.encounter.encounterId, null),
    type: 'TCM_FOLLOW_UP' as const,
    subjectId: f.encounter.encounterId,
    threshold: null,
    contactDueDate: f.contactDueDate,
    visitDueDate: f.visitDueDate,
    acoId: acoOn(f.dischargeDate, attributions),
    reason: `Discharged home from ${f.encounter.facilityId} on ${f.dischargeDate}: contact due by ${f.contactDueDate}, visit by ${f.visitDueDate}`,
    details: {
      facilityId: f.encounter.facilityId,
      encounterClass: f.encounter.encounterClass,
      admitDate: f.encounter.admitDate,
      dischargeDate: f.dischargeDate,
      disposition: f.encounter.disposition ?? '',
      contactDueDate: f.contactDueDate,
      visitDueDate: f.visitDueDate,
    },
    receivedAt: f.encounter.receivedAt,
  }));
}

/**
 * How far event time has reached for an episode: the latest service date of its claims, or the
 * anchor discharge. The wall clock never enters: a replay shows the same days left.
 */
export function episodeEventDate(episode: Episode, facts: BeneficiaryFacts): string {
  let latest = episode.anchorDischargeDate;
  for (const c of facts.claims.values()) {
    if (c.fromDate < episode.anchorAdmitDate || c.fromDate > episode.windowEnd) continue;
    const last = c.thruDate < episode.windowEnd ? c.thruDate : episode.windowEnd;
    if (last > latest) latest = last;
  }
  return latest;
}

/** Days left in an episode window on a given date (for display; never used by a rule). */
export function daysLeft(episode: Episode, onDate: string): number {
  return Math.max(0, daysBetween(onDate, episode.windowEnd));
}
