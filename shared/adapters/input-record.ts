import type { Type } from 'avsc';
import type { Config } from '../config/config.ts';
import { plausibleThrough, validateRecord, type RecordMeta } from '../domain/validate.ts';
import { recordKey, type InputTopic } from '../kafka/topics.ts';

/** A record for an input topic, checked: ready to encode and publish, or refused with the reason. */
export type CheckedRecord =
  | { ok: true; lineNo: number; topic: InputTopic; key: string; record: Record<string, unknown> }
  | { ok: false; lineNo: number; topic: InputTopic | null; reason: string; raw: string; code?: 'DATE_IMPLAUSIBLE' };

/**
 * One record for a topic, checked against the contract rules and the topic's Avro schema: the
 * line of a scenario file, or a record an adapter made (with the line it came from, or 0).
 */
export function checkInputRecord(
  topic: InputTopic,
  value: unknown,
  lineNo: number,
  raw: string,
  typeOf: (topic: InputTopic) => Type,
  meta: RecordMeta = {},
): CheckedRecord {
  const checked = validateRecord(topic, value, meta);
  if (!checked.ok)
    return {
      ok: false,
      lineNo,
      topic,
      reason: checked.reason,
      raw,
      ...(checked.code === 'DATE_IMPLAUSIBLE' ? { code: checked.code } : {}),
    };
  const type = typeOf(topic) as Type & { fields: { name: string; defaultValue(): unknown }[] };
  const v = value as Record<string, unknown>;
  const record: Record<string, unknown> = {};
  for (const field of type.fields)
    record[field.name] = v[field.name] === undefined ? field.defaultValue() : v[field.name];
  const paths: string[] = [];
  if (!type.isValid(record, { errorHook: (path) => paths.push(path.join('.')) })) {
    return { ok: false, lineNo, topic, reason: `wrong type for ${paths.join(', ') || 'a field'}`, raw };
  }
  return { ok: true, lineNo, topic, key: recordKey(topic, v), record };
}

/** What records published now (by the CLI, by the HL7 gateway) are checked with: dates too far past today are typos, as the services would judge them. */
export function publishedNow(config: Config): RecordMeta {
  return { latestPlausible: plausibleThrough(new Date().toISOString().slice(0, 10), config.maxDaysAhead) };
}
