import type { KafkaMessage } from 'kafkajs';
import type { FactOf } from '../domain/validate.ts';
import type { ErrorCode } from '../errors/app-error.ts';
import type { InputTopic } from '../kafka/topics.ts';
import type { ServiceContext } from './context.ts';

/** A record as a service sees it: where it sits on its partition, and its bytes (for dead letters). */
export type SourceRecord = Pick<KafkaMessage, 'key' | 'value' | 'offset' | 'timestamp'>;

/** A decoded, valid record of a batch. */
export interface ValidRecord {
  fact: FactOf;
  message: SourceRecord;
}

/** A valid record the service would not apply (its performance year is closed): dead-lettered. */
export interface Refusal {
  record: ValidRecord;
  code: typeof ErrorCode.PERIOD_CLOSED;
  reason: string;
}

/** Where a batch comes from, and (rebuild) the verdicts of the first pass to keep. */
export interface BatchInfo {
  topic: InputTopic;
  partition: number;
  /** `partition|offset` of the claims the first pass refused as PERIOD_CLOSED (see StartOptions). */
  refusedBefore?: ReadonlySet<string>;
}

/** A consumer service: its topics, what it does with a batch's valid records, and its periodic work. */
export interface ServiceSpec {
  name: string;
  topics: InputTopic[];
  /** Applies a batch's valid records atomically per beneficiary; must be idempotent. Returns the records it refused. */
  apply(ctx: ServiceContext, records: ValidRecord[], batch: BatchInfo): Promise<Refusal[] | undefined>;
  /**
   * Periodic work besides consuming (scheduled reconciliation), every `config.scheduleCheckMs`;
   * must be idempotent. Events it appends to the service's outbox are published right after.
   */
  tick?(ctx: ServiceContext): Promise<void>;
  /**
   * Partitions processed at once unless VBC_PARTITIONS_IN_FLIGHT says otherwise (default 6, the
   * default partition count: no partition's batch waits behind another's, which keeps the alert
   * latency tail short). The claims service takes 3: its batches are large, and memory grows with
   * each one in flight while throughput does not.
   */
  partitionsInFlight?: number;
  /**
   * The CPU priority (nice value) of a process running this service alone, unless VBC_CPU_NICE says
   * otherwise (default 0). The claims service takes 10: its work is a file's throughput, and on a
   * host it shares with the ADT services it should yield the CPU to the alerts care managers wait for.
   */
  cpuNice?: number;
}
