import { checkInputRecord, publishedNow } from '../../shared/adapters/input-record.ts';
import { sendByTopic } from '../../shared/kafka/batch-sender.ts';
import type { InputTopic } from '../../shared/kafka/topics.ts';
import { metrics, M } from '../../shared/metrics/registry.ts';
import { valueSubject } from '../../shared/registry/schemas.ts';
import type { Context } from '../../shared/service/context.ts';
import { redisAckLedger } from './ack-ledger.ts';
import { handleFrames, type HandlerDeps } from './handle-messages.ts';
import { listen, type Listener } from './listener.ts';

/** The HL7 ADT gateway as `vbc run` runs it next to the consumer services. */
export interface RunningGateway {
  name: 'adt-gateway';
  listener: Listener;
  isReady(): boolean;
  /** Never resolves: a gateway that cannot publish closes the connection and the sender retransmits. */
  failed: Promise<Error>;
  stop(): Promise<void>;
}

const STOP_BUDGET_MS = 5_000;

/**
 * Starts the MLLP listener (contract section 5.1): each message mapped to admissions and
 * discharges records, published with the context's idempotent producer (acks from every in-sync
 * replica), then acknowledged. Binding fails with one line when the port is taken.
 */
export async function startAdtGateway(ctx: Context): Promise<RunningGateway> {
  const { config, logger } = ctx;
  const mllp = config.mllp;
  const typeOf = (t: InputTopic) => ctx.codec.typeFor(valueSubject(ctx.topics.input(t)));
  let ackSeq = 0;
  // The dates a record published now may carry (DATE_IMPLAUSIBLE), worked out once per batch.
  let meta = publishedNow(config);
  const ackPrefix = `V${Date.now().toString(36).toUpperCase()}`;
  const deps: HandlerDeps = {
    ledger: redisAckLedger(ctx.redis, ctx.keys, mllp.ackMemoryDays),
    publish: (messages) => sendByTopic(ctx.producer, messages),
    check: (topic, value) => checkInputRecord(topic, value, 0, '', typeOf, meta),
    encode: (topic, record) => ctx.codec.encode(valueSubject(ctx.topics.input(topic)), record),
    physicalTopic: (topic) => ctx.topics.input(topic),
    deadLetterTopic: ctx.topics.adtHl7DeadLetter,
    allowedFacilities: mllp.allowedFacilities ? new Set(mllp.allowedFacilities) : null,
    maxMessageBytes: mllp.maxMessageBytes,
    nextAckControlId: () => `${ackPrefix}${(ackSeq++).toString(36).toUpperCase()}`,
    now: () => new Date(),
  };
  const log = logger;
  const listener = await listen(
    mllp,
    async (frames, connection) => {
      const started = performance.now();
      meta = publishedNow(config);
      const outcomes = await handleFrames(frames, deps);
      const seconds = (performance.now() - started) / 1000;
      for (const o of outcomes) {
        metrics.inc(...M.hl7Messages, { event: o.event || 'none', ack: o.code });
        metrics.observe(...M.hl7AckSeconds, {}, seconds);
        if (o.repeated) metrics.inc(...M.hl7Retransmissions, {}, 1);
        else if (o.code !== 'AA') metrics.inc(...M.hl7DeadLettered, { ack: o.code }, 1);
        // No PHI: the control id, the code and where the problem is, never the values.
        if (o.code !== 'AA')
          log.warn(
            {
              connection: connection.id,
              controlId: o.controlId,
              ack: o.code,
              repeated: o.repeated,
              field: o.error?.segment ? `${o.error.segment}-${o.error.field ?? ''}` : undefined,
              condition: o.error?.condition,
            },
            'HL7 message not accepted',
          );
      }
      return outcomes.map((o) => o.ack);
    },
    {
      opened: (c) => {
        metrics.inc(...M.hl7Connections, {}, 1);
        log.info({ connection: c.id, remote: c.remote }, 'MLLP connection opened');
      },
      closed: (c, stray) => log.info({ connection: c.id, strayBytes: stray }, 'MLLP connection closed'),
      failed: (c, error) =>
        log.error(
          { connection: c.id, reason: error.message },
          'could not publish; connection closed without acknowledging, the sender will retransmit',
        ),
    },
  ).catch((error: NodeJS.ErrnoException) => {
    const where = `${mllp.host}:${mllp.port}`;
    throw new Error(
      error.code === 'EADDRINUSE'
        ? `the MLLP port ${where} is taken (set VBC_MLLP_PORT, or VBC_MLLP_PORT=off to run no gateway)`
        : `cannot listen for MLLP on ${where}: ${error.message}`,
    );
  });
  log.info(
    { host: listener.host, port: listener.port, tls: mllp.tls !== null, allowList: mllp.allowedFacilities !== null },
    'listening for HL7 v2 ADT over MLLP',
  );
  return {
    name: 'adt-gateway',
    listener,
    isReady: () => true,
    failed: new Promise<Error>(() => undefined),
    stop: () => listener.close(STOP_BUDGET_MS),
  };
}
