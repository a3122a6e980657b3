import type { Alert, AlertType } from '../../../shared/domain/alerts.ts';

/**
 * The alerts in force, as the alerts topic tells them (contract 1.5): per alertId the event with
 * the highest sequence decides; RAISED is in force, WITHDRAWN is not. Pure: events in, the
 * change they made out, so the live feed sends exactly what changed.
 */

/** An event of the alerts topic: an alert (shared/domain/alerts.ts), whose, raised or withdrawn, and when committed. */
export interface AlertEvent extends Alert {
  action: 'RAISED' | 'WITHDRAWN';
  mbi: string;
  sequence: number | null;
}

/** One worklist row: who, where, why and how urgent. */
export interface AlertRow {
  alertId: string;
  type: AlertType;
  mbi: string;
  subjectId: string;
  acoId: string | null;
  facilityId: string | null;
  reason: string;
  threshold: number | null;
  contactDueDate: string | null;
  visitDueDate: string | null;
  /** The event date the urgency counts from: discharge (TCM, readmission index) or anchor discharge. */
  dischargeDate: string | null;
  percentOfTarget: number | null;
  sequence: number;
}

export type BoardChange = { kind: 'raised'; row: AlertRow } | { kind: 'withdrawn'; row: AlertRow } | null;

export function rowOf(e: AlertEvent): AlertRow {
  const d = e.details;
  const percent = d.percentOfTarget === undefined ? null : Number(d.percentOfTarget);
  return {
    alertId: e.alertId,
    type: e.type,
    mbi: e.mbi,
    subjectId: e.subjectId,
    acoId: e.acoId,
    facilityId: d.readmittingFacilityId || d.facilityId || d.anchorFacilityId || null,
    reason: e.reason,
    threshold: e.threshold,
    contactDueDate: e.contactDueDate,
    visitDueDate: e.visitDueDate,
    dischargeDate: d.dischargeDate || d.indexDischargeDate || d.anchorDischargeDate || null,
    percentOfTarget: percent !== null && Number.isFinite(percent) ? percent : null,
    sequence: e.sequence ?? 0,
  };
}

export class AlertBoard {
  private readonly latest = new Map<string, { sequence: number; row: AlertRow; inForce: boolean }>();

  /** Applies an event; returns what changed for the worklist (null: nothing, an older or repeated event). */
  apply(e: AlertEvent): BoardChange {
    const sequence = e.sequence ?? 0;
    const held = this.latest.get(e.alertId);
    if (held && held.sequence >= sequence) return null;
    const row = rowOf(e);
    const inForce = e.action === 'RAISED';
    this.latest.set(e.alertId, { sequence, row, inForce });
    if (inForce) return { kind: 'raised', row };
    return held?.inForce ? { kind: 'withdrawn', row } : null;
  }

  /** The alerts in force, newest first (by commit sequence). */
  inForce(): AlertRow[] {
    const rows: AlertRow[] = [];
    for (const h of this.latest.values()) if (h.inForce) rows.push(h.row);
    return rows.sort((a, b) => b.sequence - a.sequence);
  }

  get(alertId: string): AlertRow | undefined {
    const h = this.latest.get(alertId);
    return h?.inForce ? h.row : undefined;
  }
}
