import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { ErrorCode, isAppError, oneLine } from '../errors/app-error.ts';
import { withTimeout } from '../kafka/connect.ts';
import { crashCause, mayPass } from '../kafka/error-verdict.ts';
import { OutboxRelay } from '../engine/outbox-relay.ts';
import { valuePlace } from '../kafka/fetched-record.ts';
import type { InputTopic } from '../kafka/topics.ts';
import { schemaIdAt } from '../registry/codec.ts';
import { M, metrics } from '../metrics/registry.ts';
import type { Context } from './context.ts';
import { appliedOffsets } from './applied-offsets.ts';
import { commitRetry } from './commit-retry.ts';
import { batchHandler, type BatchRecord } from './batch-handler.ts';
import { deadLetterMessage, type DeadLetter } from './dead-letter.ts';
import type { ServiceSpec } from './service-spec.ts';
import { workUnits } from './work-units.ts';

export type { BatchInfo, Refusal, ServiceSpec, ValidRecord } from './service-spec.ts';

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
 * reads of the beneficiaries not cached and atomic commits, both in slices (beneficiary-store.ts
 * SLICE), pipelined), dead-letter bad ones, publish the outbox, record the batch's end in Redis, and only
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
  // A whole fetch holds what the partitions in flight take at once, not more: kafkajs holds a
  // response until every batch of it is done, its bytes stay until the records pointing into them
  // are collected, and each response is read as chunks and then one copy of them all. A response
  // twice that size (before stop 33) cost the claims service about 50 MB of peak RSS, no speed.
  // What a crash does (error-verdict.ts): the consumer starts again after an error that may pass
  // (the broker, Redis or the registry away, a state conflict) and stops after one that will not
  // (refused credentials, a bad setting, a bug): the service then reports it and exits.
  let reportFailure: (error: Error) => void = () => undefined;
  const failed = new Promise<Error>((resolve) => {
    reportFailure = resolve;
  });
  const consumer = ctx.kafka.consumer({
    retry: {
      restartOnFailure: async (error: Error) => mayPass(error),
    },
    groupId,
    sessionTimeout: 30000,
    heartbeatInterval: 3000,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
    maxBytesPerPartition: config.fetchBytesPerPartition,
    maxBytes: config.fetchBytesPerPartition * inFlight,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: spec.topics.map((t) => topics.input(t)), fromBeginning: true });

  // Events a crashed predecessor left in the outbox go out before new work.
  if (publish) await relay.flush();

  const handle = batchHandler(spec, { refusedBefore: options.refusedBefore });
  let ready = false;
  // Restarts of the consumer after a crash kafkajs leaves it in (see the CRASH handler below).
  let restarts = 0;
  let restartTimer: NodeJS.Timeout | null = null;
  let stopping = false;
  const commits = commitRetry(consumer, log);
  const applied = appliedOffsets(ctx, groupId, consumer, log, spec.name, commits.forget);
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    ready = true;
    restarts = 0;
    commits.rebalanced();
    applied.joined(event.payload.memberAssignment);
  });
  // Every crash is told here. kafkajs restarts the consumer after errors it takes as retriable, and
  // stops it without a word after any other, some of which only mean the broker was away (see
  // error-verdict.ts): those are started again here, with a growing pause; the rest stop the service.
  const startAgain = () => {
    const pause = Math.min(250 * 2 ** restarts, 5000);
    restarts += 1;
    restartTimer = setTimeout(() => {
      restartTimer = null;
      if (stopping) return;
      consumer.run(runOptions).catch((error: unknown) => {
        log.error({ reason: oneLine(error) }, 'consumer could not start again; retrying');
        startAgain();
      });
    }, pause);
  };
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    ready = false;
    const cause = crashCause(payload.error);
    const fields = { code: isAppError(cause) ? cause.code : undefined, reason: oneLine(payload.error) };
    if (payload.restart) {
      log.error(fields, 'consumer crashed; kafkajs starts it again');
    } else if (stopping) {
      log.info(fields, 'consumer crashed while stopping');
    } else if (mayPass(payload.error)) {
      log.error(fields, 'consumer crashed on an error kafkajs does not retry; starting it again');
      startAgain();
    } else {
      log.error(fields, 'consumer crashed on an error no retry mends; the service stops');
      reportFailure(cause);
    }
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
    await ctx.codec.prepareIds(schemaIds(batch.messages));
    // In units of whole beneficiaries, each done before the next is decoded (work-units.ts).
    const units = workUnits(batch.messages, config.workUnitRecords);
    let appliedCount = 0;
    const dead: DeadLetter[] = [];
    for (const unit of units) {
      const handled = await handle(ctx, {
        topic: logical,
        sourceTopic: batch.topic,
        partition: batch.partition,
        records: unit.map((message) => decodeMessage(ctx, message)),
      });
      appliedCount += handled.applied;
      for (const d of handled.dead) dead.push(d);
    }
    // Dead letters in the order of their records, as one unit gives them.
    if (units.length > 1) dead.sort((a, b) => compareOffsets(a.message.offset, b.message.offset));
    metrics.inc(...M.recordsIn, { service: spec.name, topic: logical }, appliedCount);
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
    // The batch's state is committed: publishing its events (from the outbox) and recording it
    // applied (in Redis) need nothing of each other, so they go side by side; the offset is
    // committed once both are done. kafkajs fetches again only when every batch of the last fetch
    // is done, so each round trip at a batch's end holds up the next records of every partition.
    const last = batch.messages[batch.messages.length - 1]!.offset;
    const [published, next] = await Promise.all([
      publish ? relay.flush() : 0,
      applied.record(batch.topic, batch.partition, last),
    ]);
    if (publish) metrics.inc(...M.eventsOut, { service: spec.name }, published);
    if (next === null) return;
    resolveOffset(last);
    commits.recorded(batch.topic, batch.partition, next);
    try {
      await commitOffsetsIfNecessary();
    } catch (error) {
      commits.failed(batch.topic, batch.partition);
      throw error;
    }
    commits.committed(batch.topic, batch.partition, next);
    await heartbeat();
    metrics.observe(...M.batchSeconds, { service: spec.name }, Number(process.hrtime.bigint() - started) / 1e9);
  };

  const ticker = publish ? startTicker(ctx, spec, relay, log) : { stop: async () => undefined };
  const runOptions = {
    autoCommit: true,
    autoCommitThreshold: 1,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: inFlight,
    eachBatch: handleBatch,
  };
  await consumer.run(runOptions);
  log.info({ groupId, topics: spec.topics }, 'service started');
  return {
    name: spec.name,
    groupId,
    consumer,
    relay,
    isReady: () => ready,
    failed,
    stop: async () => {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      commits.stop();
      applied.stop();
      await ticker.stop();
      // A consumer still (re)joining its group holds no batch and no offset to commit, and its join
      // can wait on the broker for the session of a member that crashed without leaving (up to
      // 30 s): it is not waited for past a moment, so the process stays within its stop budget.
      const disconnecting = consumer.disconnect();
      if (ready) await disconnecting;
      else
        await withTimeout(disconnecting, 2000, () => new Error('still joining its group')).catch((error: unknown) =>
          log.info({ reason: oneLine(error) }, 'consumer left without waiting for its disconnect'),
        );
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

/** Kafka offsets (decimal strings without leading zeros) in their numeric order. */
function compareOffsets(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** The schema ids of a batch's values, read where they are (fetched-record.ts). */
function schemaIds(messages: KafkaMessage[]): Set<number> {
  const ids = new Set<number>();
  for (const m of messages) {
    const { source, valueAt, valueLength } = valuePlace(m);
    const id = schemaIdAt(source, valueAt, valueLength);
    if (id !== undefined) ids.add(id);
  }
  return ids;
}

/** A fetched message with its value decoded, or the codec's verdict on why it could not be. */
function decodeMessage(ctx: Context, message: KafkaMessage): BatchRecord {
  try {
    const { source, valueAt, valueLength } = valuePlace(message);
    return { message, decoded: { ok: true, value: ctx.codec.decodeAt(source, valueAt, valueLength) } };
  } catch (error) {
    // The codec's two verdicts on a record; anything else thrown here is taken as undecodable too.
    const code =
      isAppError(error) && error.code === ErrorCode.SCHEMA_UNKNOWN
        ? ErrorCode.SCHEMA_UNKNOWN
        : ErrorCode.RECORD_UNDECODABLE;
    return { message, decoded: { ok: false, code, reason: oneLine(error) } };
  }
}
