import type { Alert } from '../domain/alerts.ts';
import type { ReconciliationRecord } from '../domain/reconciliation-record.ts';
import type { OutputTopic } from '../kafka/topics.ts';

export { directionOf, type ReconciliationRecord } from '../domain/reconciliation-record.ts';

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

/** The field of a subject's latest reconciliation in the reconciliations hash. */
export const reconciliationField = (r: Pick<ReconciliationRecord, 'kind' | 'subjectId'>) => `${r.kind}|${r.subjectId}`;

export function reconciliationEvent(record: ReconciliationRecord): OutboxEvent {
  return { topic: 'reconciliations', key: record.subjectId, value: { ...record, program: record.program ?? null } };
}
