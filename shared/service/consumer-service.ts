import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { plausibleThrough, validateRecord, type FactOf, type RecordMeta } from '../domain/validate.ts';
import { ErrorCode, isAppError, oneLine } from '../errors/app-error.ts';
import { OutboxRelay } from '../engine/outbox-relay.ts';
import type { InputTopic } from '../kafka/topics.ts';
import { M, metrics } from '../metrics/registry.ts';
import type { Context, ServiceContext } from './context.ts';
import { appliedOffsets } from './applied-offsets.ts';
import { deadLetterMessage, type DeadLetter } from './dead-letter.ts';

/** A decoded, valid record of a batch. */
export interface ValidRecord {
  fact: FactOf;
  message: KafkaMessage;
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
}

export interface RunningService {
  name: string;
  groupId: string;
  consumer: Consumer;
  relay: OutboxRelay;
  /** Joined its consumer group and not crashed: what /readyz reports. */
  isReady(): boolean;
  /** Resolves with the error when the consumer crashed on an error that is not retriable (it is not restarted). */
  failed: Promise<Error>;
  stop(): Promise<void>;
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

export const groupIdFor = (prefix: string, service: string) => `${prefix}${service}-service`;

export interface StartOptions {
  /**
   * false (rebuild): apply records to the state only; publish no event and dead-letter nothing,
   * because the original pass already did (the outbox is left for the caller to discard).
   */
  publish?: boolean;
  /**
   * (rebuild) `partition|offset` of the claims the first pass refused because their year was
   * closed: refused again, while the year's other claims count as they did (the year itself is
   * closed again once the rebuild has re-read everything).
   */
  refusedBefore?: ReadonlySet<string>;
}

/**
 * Runs a consumer group over the service's topics with batch consumption. Per batch: decode and
 * validate synchronously (schemas preloaded once per batch), apply valid records (applyUpdates:
 * reads of the beneficiaries not cached and atomic commits, both in slices of 400 beneficiaries,
 * pipelined), dead-letter bad ones, publish the outbox, record the batch's end in Redis, and only
 * then commit the offsets. A crash anywhere replays the batch, whose facts are already held: no-ops.
 */
export async function startService(
  ctx: Context,
  spec: ServiceSpec,
  options: StartOptions = {},
): Promise<RunningService> {
  const publish = options.publish ?? true;
  const { config, logger, topics } = ctx;
  const log = logger.child({ component: spec.name });
  const groupId = groupIdFor(config.groupPrefix, spec.name);
  const inFlight = config.partitionsInFlight ?? spec.partitionsInFlight ?? 6;
  const relay = new OutboxRelay(ctx.stores.outbox, spec.name, ctx.producer, ctx.codec, topics);
  // Large fetches: a beneficiary's facts are read, derived and committed once per batch, so the
  // more of its records a batch holds, the less each record costs (see README, Performance).
  // The retriable flag decides what a crash does: kafkajs restarts the consumer after an error
  // that may pass (the broker, Redis or the registry away, a state conflict) and stops it after one
  // that will not (refused credentials, a bad setting): the service then reports it and exits.
  let reportFailure: (error: Error) => void = () => undefined;
  const failed = new Promise<Error>((resolve) => {
    reportFailure = resolve;
  });
  const consumer = ctx.kafka.consumer({
    retry: {
      restartOnFailure: async (error: Error) => {
        const restart = !isAppError(error) || error.retriable;
        log.error(
          { code: isAppError(error) ? error.code : undefined, reason: oneLine(error), restart },
          'consumer crashed',
        );
        if (!restart) reportFailure(error);
        return restart;
      },
    },
    groupId,
    sessionTimeout: 30000,
    heartbeatInterval: 3000,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
    maxBytesPerPartition: config.fetchBytesPerPartition,
    maxBytes: config.fetchBytesPerPartition * inFlight * 2,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: spec.topics.map((t) => topics.input(t)), fromBeginning: true });

  // Events a crashed predecessor left in the outbox go out before new work.
  if (publish) await relay.flush();

  const latestPlausible = plausibleLimits(config.maxDaysAhead);
  let ready = false;
  const applied = appliedOffsets(ctx, groupId, consumer, log, spec.name);
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    ready = true;
    applied.joined(event.payload.memberAssignment);
  });
  consumer.on(consumer.events.CRASH, () => {
    ready = false;
  });
  consumer.on(consumer.events.STOP, () => {
    ready = false;
  });

  const handleBatch = async ({
    batch,
    resolveOffset,
    commitOffsetsIfNecessary,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload) => {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const started = process.hrtime.bigint();
    const logical = topics.logical(batch.topic) as InputTopic;
    // Attribution and ADT need the arrival order (the later record of an id wins), only ADT the
    // arrival time: not built for claims, the bulk.
    const needsTime = logical === 'admissions' || logical === 'discharges';
    const needsSeq = needsTime || logical === 'attribution';
    const datesChecked = needsTime || logical === 'claims';
    await ctx.codec.prepare(batch.messages.map((m) => m.value));
    const valid: ValidRecord[] = [];
    const dead: DeadLetter[] = [];
    for (const message of batch.messages) {
      try {
        const value = ctx.codec.decode(message.value);
        const result = validateRecord(
          logical,
          value,
          needsSeq || datesChecked
            ? {
                seq: needsSeq ? message.offset.padStart(20, '0') : undefined,
                receivedAt: needsTime ? new Date(Number(message.timestamp)).toISOString() : undefined,
                latestPlausible: datesChecked ? latestPlausible(message.timestamp) : undefined,
              }
            : NO_META,
        );
        if (result.ok) valid.push({ fact: result.value, message });
        else
          dead.push({
            message,
            partition: batch.partition,
            sourceTopic: batch.topic,
            code: result.code,
            reason: result.reason,
          });
      } catch (error) {
        // The codec's two verdicts on a record; anything else thrown here is taken as undecodable too.
        const code =
          isAppError(error) && error.code === ErrorCode.SCHEMA_UNKNOWN
            ? ErrorCode.SCHEMA_UNKNOWN
            : ErrorCode.RECORD_UNDECODABLE;
        dead.push({ message, partition: batch.partition, sourceTopic: batch.topic, code, reason: oneLine(error) });
      }
    }
    const refused =
      (await spec.apply(ctx, valid, {
        topic: logical,
        partition: batch.partition,
        refusedBefore: options.refusedBefore,
      })) ?? [];
    for (const r of refused)
      dead.push({
        message: r.record.message,
        partition: batch.partition,
        sourceTopic: batch.topic,
        code: r.code,
        reason: r.reason,
      });
    metrics.inc(...M.recordsIn, { service: spec.name, topic: logical }, valid.length - refused.length);
    if (dead.length > 0 && publish) {
      metrics.inc(...M.deadLettered, { service: spec.name, topic: logical }, dead.length);
      await ctx.producer.send({ topic: topics.deadLetter(logical), acks: -1, messages: dead.map(deadLetterMessage) });
      await ctx.stores.counts.deadLettered(logical, dead.length);
      // One line per batch, not per record (a bad file must not flood the log), and no record
      // content: codes and positions identify them without PHI; `vbc dlq list` shows each reason.
      const byCode: Record<string, number> = {};
      for (const d of dead) byCode[d.code] = (byCode[d.code] ?? 0) + 1;
      log.warn(
        {
          topic: batch.topic,
          partition: batch.partition,
          count: dead.length,
          byCode,
          offsets: dead.slice(0, 20).map((d) => d.message.offset),
        },
        'records dead-lettered',
      );
    }
    if (publish) metrics.inc(...M.eventsOut, { service: spec.name }, await relay.flush());
    const last = batch.messages[batch.messages.length - 1]!.offset;
    if (!(await applied.record(batch.topic, batch.partition, last))) return;
    resolveOffset(last);
    await commitOffsetsIfNecessary();
    await heartbeat();
    metrics.observe(...M.batchSeconds, { service: spec.name }, Number(process.hrtime.bigint() - started) / 1e9);
  };

  const ticker = publish ? startTicker(ctx, spec, relay, log) : { stop: async () => undefined };
  await consumer.run({
    autoCommit: true,
    autoCommitThreshold: 1,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: inFlight,
    eachBatch: handleBatch,
  });
  log.info({ groupId, topics: spec.topics }, 'service started');
  return {
    name: spec.name,
    groupId,
    consumer,
    relay,
    isReady: () => ready,
    failed,
    stop: async () => {
      applied.stop();
      await ticker.stop();
      await consumer.disconnect();
      log.info('service stopped');
    },
  };
}

/** Runs a service's periodic work one at a time (never overlapping); a failure is logged and retried next time. */
function startTicker(ctx: Context, spec: ServiceSpec, relay: OutboxRelay, log: Context['logger']) {
  if (!spec.tick) return { stop: async () => undefined };
  let running: Promise<void> | null = null;
  const run = () => {
    if (running) return;
    running = spec.tick!(ctx)
      .then(() => relay.flush())
      .then(() => undefined)
      .catch((error: unknown) =>
        log.warn(
          { code: isAppError(error) ? error.code : undefined, reason: oneLine(error) },
          'periodic work failed; retrying at the next tick',
        ),
      )
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(run, ctx.config.scheduleCheckMs);
  timer.unref();
  run();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
