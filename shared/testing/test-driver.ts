import { createHash } from 'node:crypto';
import { loadConfig, type Config } from '../config/config.ts';
import type { ReconciliationRecord } from '../domain/reconciliation-record.ts';
import { memoryStores } from '../engine/memory-stores.ts';
import { reconcile } from '../engine/reconcile.ts';
import type { Stores } from '../engine/stores.ts';
import { type InputTopic, recordKey } from '../kafka/topics.ts';
import { createLogger } from '../logging/logger.ts';
import { batchHandler, type HandledBatch } from '../service/batch-handler.ts';
import type { ServiceContext } from '../service/context.ts';
import type { DeadLetter } from '../service/dead-letter.ts';
import type { ServiceSpec, SourceRecord } from '../service/service-spec.ts';

/**
 * A broker-free driver for the services, in the spirit of Kafka Streams' TopologyTestDriver: records
 * piped to a topic are partitioned as producers partition them (one beneficiary, one partition) and
 * fed, batch by batch in offset order, to every service that consumes the topic, through the same
 * batch handler the Kafka runner uses, against in-memory stores with the Redis scripts' semantics.
 * What a run publishes (alerts, reconciliations) and dead-letters is collected for the test to read.
 * For the rules; crashes, rebalances, Redis failover and exactly-once need the real stack.
 */
export interface PublishedEvent {
  topic: 'alerts' | 'reconciliations';
  key: string;
  value: Record<string, unknown> & { sequence: number };
}

interface Pending {
  topic: InputTopic;
  partition: number;
  message: SourceRecord;
}

export class TestDriver {
  readonly stores: Stores = memoryStores();
  readonly config: Config;
  /** Everything published from the outboxes, in order. */
  readonly published: PublishedEvent[] = [];
  /** Every dead letter, with its service. */
  readonly deadLetters: (DeadLetter & { service: string })[] = [];
  private readonly ctx: ServiceContext;
  private readonly handlers: { spec: ServiceSpec; handle: ReturnType<typeof batchHandler> }[];
  private readonly pending: Pending[] = [];
  private readonly nextOffset = new Map<string, number>();

  constructor(services: ServiceSpec[], env: Record<string, string> = {}) {
    this.config = loadConfig({ VBC_PARTITIONS: '6', ...env });
    this.ctx = {
      config: this.config,
      logger: createLogger({ name: 'test-driver', level: 'silent' }),
      stores: this.stores,
    };
    this.handlers = services.map((spec) => ({ spec, handle: batchHandler(spec) }));
  }

  /** Publishes records to an input topic, keyed and partitioned as a producer would (timestamp: now, or given). */
  pipe(topic: InputTopic, values: object[], timestampMs: number = Date.now()): void {
    for (const value of values) {
      const key = recordKey(topic, value as Record<string, unknown>);
      const partition = partitionOf(key.split('|')[0]!, this.config.partitions);
      const at = `${topic}|${partition}`;
      const offset = this.nextOffset.get(at) ?? 0;
      this.nextOffset.set(at, offset + 1);
      this.pending.push({
        topic,
        partition,
        message: {
          key: Buffer.from(key),
          value: Buffer.from(JSON.stringify(value)),
          offset: String(offset),
          timestamp: String(timestampMs),
        },
      });
    }
  }

  /**
   * Feeds everything piped so far to the services: per topic partition one batch, in offset order,
   * to each service consuming the topic; then publishes the outboxes. Returns each batch's outcome.
   */
  async run(): Promise<HandledBatch[]> {
    const batches = new Map<string, Pending[]>();
    for (const p of this.pending.splice(0)) {
      const at = `${p.topic}|${p.partition}`;
      const list = batches.get(at);
      if (list) list.push(p);
      else batches.set(at, [p]);
    }
    const outcomes: HandledBatch[] = [];
    for (const records of batches.values()) {
      const { topic, partition } = records[0]!;
      for (const { spec, handle } of this.handlers) {
        if (!spec.topics.includes(topic)) continue;
        const outcome = await handle(this.ctx, {
          topic,
          sourceTopic: topic,
          partition,
          records: records.map(({ message }) => ({
            message,
            decoded: { ok: true, value: JSON.parse(String(message.value)) },
          })),
        });
        for (const d of outcome.dead) this.deadLetters.push({ ...d, service: spec.name });
        outcomes.push(outcome);
      }
    }
    await this.publishOutboxes();
    return outcomes;
  }

  /** Runs each service's periodic work once (the reconciliation schedule, folding closed years), then publishes. */
  async tick(): Promise<void> {
    for (const { spec } of this.handlers) await spec.tick?.(this.ctx);
    await this.publishOutboxes();
  }

  /** `vbc reconcile --as-of`, then publishes its events. */
  async reconcile(asOf: string): Promise<void> {
    await reconcile(this.stores, asOf, this.config.overrunThresholds, 'cli', this.config.claimsRunoutDays);
    await this.publishOutboxes();
  }

  /** The alerts in force after everything published (the latest event per alertId, by sequence). */
  alertsInForce(): Record<string, unknown>[] {
    const latest = new Map<string, PublishedEvent['value']>();
    for (const e of this.published) if (e.topic === 'alerts') latest.set(String(e.value.alertId), e.value);
    return [...latest.values()].filter((v) => v.action === 'RAISED');
  }

  reconciliationEvents(): ReconciliationRecord[] {
    return this.published
      .filter((e) => e.topic === 'reconciliations')
      .map((e) => e.value as unknown as ReconciliationRecord);
  }

  private async publishOutboxes(): Promise<void> {
    for (const owner of [...this.handlers.map((h) => h.spec.name), 'cli']) {
      for (;;) {
        const entries = await this.stores.outbox.head(owner, 0, 500);
        if (entries.length === 0) break;
        for (const entry of entries) {
          const bar = entry.indexOf('|');
          const event = JSON.parse(entry.slice(bar + 1)) as Omit<PublishedEvent, 'value'> & {
            value: Record<string, unknown>;
          };
          this.published.push({ ...event, value: { ...event.value, sequence: Number(entry.slice(0, bar)) } });
        }
        await this.stores.outbox.ack(owner, 0, entries[0]!, entries.length);
      }
    }
    this.published.sort((a, b) => a.value.sequence - b.value.sequence);
  }
}

/** A partition for a beneficiary: any stable hash keeps one beneficiary's records on one partition, as Kafka does. */
function partitionOf(mbi: string, partitions: number): number {
  return createHash('sha1').update(mbi).digest().readUInt32BE(0) % partitions;
}
