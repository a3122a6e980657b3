import { plausibleThrough, validateRecord, type RecordMeta } from '../domain/validate.ts';
import type { InputTopic } from '../kafka/topics.ts';
import type { ServiceContext } from './context.ts';
import type { DeadLetter, DeadLetterCode } from './dead-letter.ts';
import type { ServiceSpec, SourceRecord, ValidRecord } from './service-spec.ts';

/**
 * A service's work on one batch, without a broker: validate the decoded records (with their
 * position and time), apply the valid ones through the service, and say which are dead letters.
 * It takes the batch's records: `batch.records` is emptied once they are validated.
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
 * What a claim published at a Kafka timestamp is validated with: the latest plausible service date
 * (validate.ts), one shared object per day of publication, so the claims path allocates nothing
 * per record. The record's own timestamp, so the verdict is the same on every replay of the
 * topic, whatever the batch.
 */
function plausibleLimits(maxDaysAhead: number | null): (timestamp: string) => RecordMeta {
  const byDay = new Map<number, RecordMeta>();
  return (timestamp) => {
    if (maxDaysAhead === null) return NO_META;
    const day = Math.floor(Number(timestamp) / DAY_MS);
    let meta = byDay.get(day);
    if (meta === undefined) {
      meta = { latestPlausible: plausibleThrough(new Date(day * DAY_MS).toISOString().slice(0, 10), maxDaysAhead) };
      byDay.set(day, meta);
    }
    return meta;
  };
}

export function batchHandler(spec: ServiceSpec, options: { refusedBefore?: ReadonlySet<string> } = {}) {
  let claimMeta: ((timestamp: string) => RecordMeta) | null = null;
  return async (ctx: ServiceContext, batch: Batch): Promise<HandledBatch> => {
    claimMeta ??= plausibleLimits(ctx.config.maxDaysAhead);
    const { topic, partition, sourceTopic } = batch;
    // Attribution and ADT need the arrival order (the later record of an id wins), only ADT the
    // arrival time: not built for claims, the bulk.
    const needsTime = topic === 'admissions' || topic === 'discharges';
    const needsSeq = needsTime || topic === 'attribution';
    const claims = topic === 'claims';
    const valid: ValidRecord[] = [];
    const dead: DeadLetter[] = [];
    for (const { message, decoded } of batch.records) {
      if (!decoded.ok) {
        dead.push({ message, partition, sourceTopic, code: decoded.code, reason: decoded.reason });
        continue;
      }
      // ADT and attribution records carry their own position (and ADT its time); claims share one per day.
      // Read once: a fetched record makes the string when asked (fetched-record.ts).
      const timestamp = message.timestamp;
      const meta = claims
        ? claimMeta(timestamp)
        : needsSeq
          ? {
              seq: message.offset.padStart(20, '0'),
              receivedAt: needsTime ? new Date(Number(timestamp)).toISOString() : undefined,
              latestPlausible: needsTime ? claimMeta(timestamp).latestPlausible : undefined,
            }
          : NO_META;
      const result = validateRecord(topic, decoded.value, meta);
      if (result.ok) valid.push({ fact: result.value, message });
      else dead.push({ message, partition, sourceTopic, code: result.code, reason: result.reason });
    }
    // The decoded records are garbage once their facts are made (a fact holds none of them): let them
    // go now, not when the batch is done. A batch in flight outlives several young-generation
    // collections, and what it still holds then is copied into the old generation, to be collected
    // there by a full collection. In the claims service's bench, 106,559 decoded records and their
    // wrappers (about 26 MB of a 256 MB live heap) were still held in the middle of a run; now none are.
    batch.records.length = 0;
    const refused = (await spec.apply(ctx, valid, { topic, partition, refusedBefore: options.refusedBefore })) ?? [];
    for (const r of refused)
      dead.push({ message: r.record.message, partition, sourceTopic, code: r.code, reason: r.reason });
    return { applied: valid.length - refused.length, dead };
  };
}
