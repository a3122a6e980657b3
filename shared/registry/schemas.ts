import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { INPUT_TOPICS, OUTPUT_TOPICS, type InputTopic, type OutputTopic } from '../kafka/topics.ts';
import type { AvroCodec } from './codec.ts';

const SCHEMA_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

/** The checked-in Avro schema (`schemas/<topic>.avsc`) of a contract topic. */
export function schemaText(topic: InputTopic | OutputTopic): string {
  return readFileSync(`${SCHEMA_DIR}${topic}.avsc`, 'utf8');
}

/** Confluent's TopicNameStrategy: the value schema of topic T is registered under `T-value`. */
export function valueSubject(physicalTopic: string): string {
  return `${physicalTopic}-value`;
}

/**
 * Registers every topic's value schema under `<topic>-value` with BACKWARD compatibility and loads
 * it into the codec for encoding. Registering an unchanged schema again is a no-op in the registry.
 */
export async function registerAllSchemas(
  codec: AvroCodec,
  physical: (t: InputTopic | OutputTopic) => string,
): Promise<void> {
  for (const topic of [...INPUT_TOPICS, ...OUTPUT_TOPICS]) {
    await codec.register(valueSubject(physical(topic)), schemaText(topic));
  }
}
