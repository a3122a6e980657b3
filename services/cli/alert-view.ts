import { daysBetween } from '../../shared/domain/dates.ts';
import type { Alert } from '../../shared/domain/alerts.ts';

/** An alert event as it arrives on the alerts topic: the alert, whom it is about, and raised or withdrawn. */
export type AlertEvent = Alert & { action: 'RAISED' | 'WITHDRAWN'; mbi: string; sequence: number | null };

const usd = (cents: string | undefined) =>
  `$${(Number(cents ?? 0) / 100).toLocaleString('en-US', { maximumFractionDigits: 0 })}`;

/**
 * One line a care manager can act on: who, where, why, and how urgent (days since discharge, or
 * percent of the episode target and days left), plus how long after the triggering record it came.
 */
export function alertLine(
  e: AlertEvent,
  publishedAtMs: number,
  today: string = new Date(publishedAtMs).toISOString().slice(0, 10),
): string {
  const d = e.details;
  const aco = e.acoId ? ` ACO ${e.acoId}` : ' no ACO';
  const delay = e.receivedAt ? ` (+${((publishedAtMs - Date.parse(e.receivedAt)) / 1000).toFixed(1)}s)` : '';
  if (e.action === 'WITHDRAWN')
    return `  withdrawn  ${e.type.padEnd(15)} ${e.mbi}${aco}: a later record no longer supports it`;
  if (e.type === 'READMISSION') {
    const episode = d.openEpisodeCategory ? `; in an open ${d.openEpisodeCategory} episode` : '';
    return `  READMISSION     ${e.mbi}${aco}: readmitted at ${d.readmittingFacilityId} on ${d.readmitDate}, ${d.daysSinceDischarge} days after discharge from ${d.indexFacilityId} (disposition ${d.indexDisposition})${episode}${delay}`;
  }
  if (e.type === 'TCM_FOLLOW_UP') {
    return `  TCM FOLLOW-UP    ${e.mbi}${aco}: discharged home from ${d.facilityId} on ${d.dischargeDate}; contact due ${e.contactDueDate} (${dueIn(today, e.contactDueDate)}), visit due ${e.visitDueDate} (${dueIn(today, e.visitDueDate)})${delay}`;
  }
  const lines = (d.largestCostLines ?? '')
    .split(',')
    .filter(Boolean)
    .map((l) => l.split(':')[0])
    .join(', ');
  return `  OVERRUN ${String(e.threshold).padStart(3)}%    ${e.mbi}${aco}: ${d.program === 'TEAM' ? 'TEAM' : 'BPCI'} ${d.category} episode at ${d.anchorFacilityId}, ${usd(d.spendCents)} of ${usd(d.targetPriceCents)} target (${d.percentOfTarget}%), ${d.daysLeftInWindow} days left; largest: ${lines}`;
}

/** How long until a due date, as a care manager reads it: days left, due today, or overdue. */
export function dueIn(today: string, due: string | null): string {
  if (due === null) return 'no date';
  const days = daysBetween(today, due);
  return days > 0
    ? `${days} day${days === 1 ? '' : 's'} left`
    : days === 0
      ? 'due today'
      : `overdue by ${-days} day${days === -1 ? '' : 's'}`;
}

/** Counts of what arrived, for the running tally and the closing summary. */
export class AlertTally {
  private readonly raised = new Map<string, number>();
  private withdrawn = 0;
  /** Per alert, the highest sequence seen and whether that event raised it. */
  private readonly current = new Map<string, { sequence: number; raised: boolean }>();

  add(e: AlertEvent): void {
    if (e.action === 'RAISED') {
      const kind = e.type === 'EPISODE_OVERRUN' ? `EPISODE_OVERRUN ${e.threshold}%` : e.type;
      this.raised.set(kind, (this.raised.get(kind) ?? 0) + 1);
    } else {
      this.withdrawn++;
    }
    const sequence = e.sequence ?? 0;
    const held = this.current.get(e.alertId);
    if (!held || sequence >= held.sequence) this.current.set(e.alertId, { sequence, raised: e.action === 'RAISED' });
  }

  private get inForce(): number {
    let n = 0;
    for (const c of this.current.values()) if (c.raised) n++;
    return n;
  }

  get total(): number {
    return [...this.raised.values()].reduce((a, b) => a + b, 0) + this.withdrawn;
  }

  summary(): string {
    const raised =
      [...this.raised]
        .sort()
        .map(([k, n]) => `${n} ${k}`)
        .join(', ') || 'none';
    return `alerts raised: ${raised}; withdrawn: ${this.withdrawn}; in force now: ${this.inForce}`;
  }
}
