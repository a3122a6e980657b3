import type { Type } from 'avsc';
import type { Config } from '../../shared/config/config.ts';
import { plausibleThrough, validateRecord, type RecordMeta } from '../../shared/domain/validate.ts';
import { isInputTopic, recordKey, type InputTopic } from '../../shared/kafka/topics.ts';

/** One line of a scenario file (contract section 2), checked. */
export type ScenarioLine =
  | { ok: true; lineNo: number; topic: InputTopic; key: string; record: Record<string, unknown> }
  | { ok: false; lineNo: number; topic: InputTopic | null; reason: string; raw: string; code?: 'DATE_IMPLAUSIBLE' };

/**
 * Parses and validates a scenario line against the contract rules and the topic's Avro schema
 * (`meta.latestPlausible`: the latest service date taken as real, for lines published now).
 * The record keeps only the schema's fields (unknown fields are ignored); absent optional fields
 * become null.
 */
export function parseScenarioLine(
  raw: string,
  lineNo: number,
  typeOf: (topic: InputTopic) => Type,
  meta: RecordMeta = {},
): ScenarioLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return { ok: false, lineNo, topic: null, reason: `not valid JSON (${(error as Error).message})`, raw };
  }
  const { topic, value } = (parsed ?? {}) as { topic?: unknown; value?: unknown };
  if (typeof topic !== 'string' || !isInputTopic(topic)) {
    return { ok: false, lineNo, topic: null, reason: `unknown topic '${String(topic)}'`, raw };
  }
  return checkScenarioRecord(topic, value, lineNo, raw, typeOf, meta);
}

/**
 * One record for a topic, checked against the contract rules and the topic's Avro schema: the
 * line of a scenario file, or a record an importer made (with the line it came from).
 */
export function checkScenarioRecord(
  topic: InputTopic,
  value: unknown,
  lineNo: number,
  raw: string,
  typeOf: (topic: InputTopic) => Type,
  meta: RecordMeta = {},
): ScenarioLine {
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

/** What records the CLI publishes now are checked with: dates too far past today are typos, as the services would judge them. */
export function publishedNow(config: Config): RecordMeta {
  return { latestPlausible: plausibleThrough(new Date().toISOString().slice(0, 10), config.maxDaysAhead) };
}
