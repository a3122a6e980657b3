import type { Config } from '../config/config.ts';

/** The product's topics by their contract names (scenario files use these names). */
export const INPUT_TOPICS = [
  'claims',
  'admissions',
  'discharges',
  'attribution',
  'aco-contracts',
  'episode-prices',
] as const;
export type InputTopic = (typeof INPUT_TOPICS)[number];

/** Outputs: the services' events, and what care managers do in the worklist (`alert-actions`). */
export const OUTPUT_TOPICS = ['alerts', 'reconciliations', 'alert-actions'] as const;
export type OutputTopic = (typeof OUTPUT_TOPICS)[number];

/** The dead-letter topic of the HL7 ADT gateway: messages it did not acknowledge AA, raw. */
export const ADT_HL7_DEAD_LETTER = 'adt-hl7.dlq';

/**
 * Reference topics are compacted: the latest record per key is kept forever. Their keys are chosen
 * so compaction never drops a record still in force (see recordKey).
 */
export const COMPACTED_TOPICS: ReadonlySet<string> = new Set(['attribution', 'aco-contracts', 'episode-prices']);

export function isInputTopic(name: string): name is InputTopic {
  return (INPUT_TOPICS as readonly string[]).includes(name);
}

export interface TopicNames {
  input(name: InputTopic): string;
  deadLetter(name: InputTopic): string;
  output(name: OutputTopic): string;
  /** The HL7 gateway's dead-letter topic. */
  adtHl7DeadLetter: string;
  physical(name: InputTopic | OutputTopic): string;
  /** Contract name of a physical topic, or undefined when it is not one of ours. */
  logical(physical: string): InputTopic | OutputTopic | undefined;
}

export function topicNames(config: Pick<Config, 'topicPrefix'>): TopicNames {
  const p = config.topicPrefix;
  return {
    input: (name) => `${p}${name}`,
    deadLetter: (name) => `${p}${name}.dlq`,
    output: (name) => `${p}${name}`,
    adtHl7DeadLetter: `${p}${ADT_HL7_DEAD_LETTER}`,
    physical: (name) => `${p}${name}`,
    logical: (physical) => {
      if (!physical.startsWith(p)) return undefined;
      const rest = physical.slice(p.length);
      return [...INPUT_TOPICS, ...OUTPUT_TOPICS].find((t) => t === rest);
    },
  };
}

/** Every topic the product needs, with its settings, for provisioning. */
export function topicSpecs(config: Pick<Config, 'topicPrefix' | 'partitions'>) {
  const names = topicNames(config);
  const specs: { topic: string; numPartitions: number; configEntries: { name: string; value: string }[] }[] = [];
  for (const t of INPUT_TOPICS) {
    const compacted = COMPACTED_TOPICS.has(t);
    specs.push({
      topic: names.input(t),
      numPartitions: config.partitions,
      // 'compact,delete' with infinite retention compacts like 'compact' but, unlike it, lets
      // `vbc reset` truncate the topic with DeleteRecords.
      configEntries: [
        { name: 'cleanup.policy', value: compacted ? 'compact,delete' : 'delete' },
        { name: 'retention.ms', value: '-1' },
      ],
    });
    specs.push({
      topic: names.deadLetter(t),
      numPartitions: 1,
      configEntries: [{ name: 'retention.ms', value: '-1' }],
    });
  }
  for (const t of OUTPUT_TOPICS) {
    specs.push({ topic: names.output(t), numPartitions: config.partitions, configEntries: [] });
  }
  specs.push({
    topic: names.adtHl7DeadLetter,
    numPartitions: 1,
    configEntries: [{ name: 'retention.ms', value: '-1' }],
  });
  return specs;
}

/**
 * The record key for a value on an input topic. Claims and ADT are keyed by `mbi`. Reference topics
 * are compacted, so their key must name what a later record replaces: an attribution record only
 * replaces one for the same beneficiary and period start, a contract one for the same ACO and year,
 * a price one for the same category and facility. The part before the first '|' is what the
 * partitioner hashes, so all of a beneficiary's records share a partition.
 */
export function recordKey(topic: InputTopic, value: Record<string, unknown>): string {
  switch (topic) {
    case 'attribution':
      return `${String(value.mbi)}|${String(value.effectiveFrom)}`;
    case 'aco-contracts':
      return `${String(value.acoId)}|${String(value.performanceYear)}`;
    case 'episode-prices':
      return `${String(value.episodeCategory)}|${String(value.facilityId)}`;
    default:
      return String(value.mbi);
  }
}
