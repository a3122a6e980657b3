import type { Type } from 'avsc';
import { checkInputRecord, type CheckedRecord } from '../../shared/adapters/input-record.ts';
import type { RecordMeta } from '../../shared/domain/validate.ts';
import { isInputTopic, type InputTopic } from '../../shared/kafka/topics.ts';

/** One line of a scenario file (contract section 2), checked. */
export type ScenarioLine = CheckedRecord;

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
  return checkInputRecord(topic, value, lineNo, raw, typeOf, meta);
}
