import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics through prom-client: the product's counters, gauges and
 * histograms by name (labels as given), plus prom-client's default process metrics (CPU, resident
 * memory, heap, event-loop lag, garbage collection), which every Node operator's dashboards expect.
 * One per process (`metrics`), registered on first use.
 */
type Labels = Record<string, string>;
const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class MetricsRegistry {
  readonly registry = new Registry();
  private readonly counters = new Map<string, Counter>();
  private readonly gauges = new Map<string, Gauge>();
  private readonly histograms = new Map<string, Histogram>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  private made<T>(map: Map<string, T>, name: string, make: () => T): T {
    let metric = map.get(name);
    if (!metric) map.set(name, (metric = make()));
    return metric;
  }

  inc(name: string, help: string, labels: Labels, by = 1): void {
    if (by === 0) return;
    this.made(
      this.counters,
      name,
      () => new Counter({ name, help, labelNames: Object.keys(labels), registers: [this.registry] }),
    ).inc(labels, by);
  }

  set(name: string, help: string, labels: Labels, value: number): void {
    this.made(
      this.gauges,
      name,
      () => new Gauge({ name, help, labelNames: Object.keys(labels), registers: [this.registry] }),
    ).set(labels, value);
  }

  observe(name: string, help: string, labels: Labels, seconds: number): void {
    this.made(
      this.histograms,
      name,
      () =>
        new Histogram({ name, help, labelNames: Object.keys(labels), buckets: BUCKETS, registers: [this.registry] }),
    ).observe(labels, seconds);
  }

  /** The exposition text for /metrics. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

export const metrics = new MetricsRegistry();

/** Metric names in one place, so dashboards and code agree. */
export const M = {
  recordsIn: ['vbc_records_in_total', 'Valid input records applied, by service and topic'],
  deadLettered: ['vbc_records_dead_lettered_total', 'Input records sent to a dead-letter topic, by service and topic'],
  eventsOut: ['vbc_events_published_total', 'Alert and reconciliation events published from the outbox, by service'],
  batchSeconds: ['vbc_batch_duration_seconds', 'Time to process one consumed batch, by service'],
  consumerLag: ['vbc_consumer_lag', 'Records published but not yet committed by the service group'],
  redisSeconds: ['vbc_redis_roundtrip_seconds', 'Redis round trip of the batch path, by operation'],
  redisPing: ['vbc_redis_ping_seconds', 'Latest Redis PING round trip'],
  hl7Messages: ['vbc_hl7_messages_total', 'HL7 messages answered by the ADT gateway, by trigger event and ACK code'],
  hl7AckSeconds: ['vbc_hl7_ack_seconds', 'Time from a batch of HL7 messages read to its ACKs made'],
  hl7Retransmissions: ['vbc_hl7_retransmissions_total', 'HL7 messages answered from the ledger (sent before)'],
  hl7DeadLettered: ['vbc_hl7_dead_lettered_total', 'HL7 messages dead-lettered on adt-hl7.dlq, by ACK code'],
  hl7Connections: ['vbc_hl7_connections_total', 'MLLP connections accepted'],
  rewinds: [
    'vbc_partition_rewinds_total',
    'Partitions re-read from the offset Redis holds, because Redis had lost writes the group had committed past',
  ],
} as const;
