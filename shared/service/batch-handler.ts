import { plausibleThrough, validateRecord, type RecordMeta } from '../domain/validate.ts';
import type { InputTopic } from '../kafka/topics.ts';
import type { ServiceContext } from './context.ts';
import type { DeadLetter, DeadLetterCode } from './dead-letter.ts';
import type { ServiceSpec, SourceRecord, ValidRecord } from './service-spec.ts';

/**
 * A service's work on one batch, without a broker: validate the decoded records (with their
 * position and time), apply the valid ones through the service, and say which are dead letters.
 * The Kafka runner (consumer-service.ts) decodes, calls this, then sends the dead letters, publishes
 * the outbox and commits; the broker-free test driver (shared/testing/test-driver.ts) calls it
 * directly with its own records.
 */

/** A record of the batch: decoded, or why it could not be. */
export interface BatchRecord {
  message: SourceRecord;
  decoded: { ok: true; value: unknown } | { ok: false; code: DeadLetterCode; reason: string };
}

export interface Batch {
  topic: InputTopic;
  /** The topic's name on the broker (dead letters name it as their source). */
  sourceTopic: string;
  partition: number;
  records: BatchRecord[];
}

export interface HandledBatch {
  /** Valid records the service applied (refused ones aside). */
  applied: number;
  dead: DeadLetter[];
}

/** What reference records are validated with: nothing from the message itself. */
const NO_META: RecordMeta = {};
const DAY_MS = 86_400_000;

/**
 * The latest plausible service date of a record published at a Kafka timestamp (validate.ts):
 * made once per day of publication, not per record. The record's own timestamp, so the verdict is
 * the same on every replay of the topic, whatever the batch.
 */
function plausibleLimits(maxDaysAhead: number | null): (timestamp: string) => string | undefined {
  const byDay = new Map<number, string | undefined>();
  return (timestamp) => {
    if (maxDaysAhead === null) return undefined;
    const day = Math.floor(Number(timestamp) / DAY_MS);
    if (!byDay.has(day))
      byDay.set(day, plausibleThrough(new Date(day * DAY_MS).toISOString().slice(0, 10), maxDaysAhead));
    return byDay.get(day);
  };
}

export function batchHandler(spec: ServiceSpec, options: { refusedBefore?: ReadonlySet<string> } = {}) {
  let latestPlausible: ((timestamp: string) => string | undefined) | null = null;
  return async (ctx: ServiceContext, batch: Batch): Promise<HandledBatch> => {
    latestPlausible ??= plausibleLimits(ctx.config.maxDaysAhead);
    const { topic, partition, sourceTopic } = batch;
    // Attribution and ADT need the arrival order (the later record of an id wins), only ADT the
    // arrival time: not built for claims, the bulk.
    const needsTime = topic === 'admissions' || topic === 'discharges';
    const needsSeq = needsTime || topic === 'attribution';
    const datesChecked = needsTime || topic === 'claims';
    const valid: ValidRecord[] = [];
    const dead: DeadLetter[] = [];
    for (const { message, decoded } of batch.records) {
      if (!decoded.ok) {
        dead.push({ message, partition, sourceTopic, code: decoded.code, reason: decoded.reason });
        continue;
      }
      const meta =
        needsSeq || datesChecked
          ? {
              seq: needsSeq ? message.offset.padStart(20, '0') : undefined,
              receivedAt: needsTime ? new Date(Number(message.timestamp)).toISOString() : undefined,
              latestPlausible: datesChecked ? latestPlausible(message.timestamp) : undefined,
            }
          : NO_META;
      const result = validateRecord(topic, decoded.value, meta);
      if (result.ok) valid.push({ fact: result.value, message });
      else dead.push({ message, partition, sourceTopic, code: result.code, reason: result.reason });
    }
    const refused = (await spec.apply(ctx, valid, { topic, partition, refusedBefore: options.refusedBefore })) ?? [];
    for (const r of refused)
      dead.push({ message: r.record.message, partition, sourceTopic, code: r.code, reason: r.reason });
    return { applied: valid.length - refused.length, dead };
  };
}
