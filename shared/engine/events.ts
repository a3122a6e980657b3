import type { Alert } from '../domain/alerts.ts';
import type { OutputTopic } from '../kafka/topics.ts';

/** An event waiting in the outbox: contract topic, record key and the Avro value as plain JSON. */
export interface OutboxEvent {
  topic: OutputTopic;
  key: string;
  value: Record<string, unknown>;
}

export function alertEvent(mbi: string, alert: Alert, action: 'RAISED' | 'WITHDRAWN'): OutboxEvent {
  return {
    topic: 'alerts',
    key: mbi,
    value: {
      alertId: alert.alertId,
      action,
      type: alert.type,
      mbi,
      subjectId: alert.subjectId,
      threshold: alert.threshold,
      contactDueDate: alert.contactDueDate ?? null,
      visitDueDate: alert.visitDueDate ?? null,
      acoId: alert.acoId,
      reason: alert.reason,
      details: alert.details,
      receivedAt: alert.receivedAt,
    },
  };
}

export interface ReconciliationRecord {
  eventId: string;
  /** EPISODE: one episode; MSSP: an ACO's year; TEAM: a TEAM hospital's performance year (subject FACILITY:YEAR). */
  kind: 'EPISODE' | 'MSSP' | 'TEAM';
  /** The episode model (EPISODE and TEAM), null for MSSP. */
  program?: 'BPCI_A' | 'TEAM' | null;
  subjectId: string;
  amountCents: number;
  final: boolean;
  asOf: string;
  direction: 'PAYMENT' | 'REPAYMENT' | 'NONE';
  working: Record<string, string>;
}

export function reconciliationEvent(record: ReconciliationRecord): OutboxEvent {
  return { topic: 'reconciliations', key: record.subjectId, value: { ...record, program: record.program ?? null } };
}

export const directionOf = (cents: number): ReconciliationRecord['direction'] =>
  cents > 0 ? 'PAYMENT' : cents < 0 ? 'REPAYMENT' : 'NONE';
