/**
 * A small Prometheus registry (counters, gauges, histograms with labels) rendered in the text
 * exposition format. One per process (`metrics`), like a client library's default registry.
 */
type Labels = Record<string, string>;
const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const labelKey = (labels: Labels) => Object.keys(labels).sort().map((k) => `${k}="${labels[k]!.replace(/["\\\n]/g, '_')}"`).join(',');

interface Family {
  type: 'counter' | 'gauge' | 'histogram';
  help: string;
  values: Map<string, number>;
  histograms: Map<string, { counts: number[]; sum: number; count: number }>;
}

export class MetricsRegistry {
  private readonly families = new Map<string, Family>();

  private family(name: string, type: Family['type'], help: string): Family {
    let f = this.families.get(name);
    if (!f) {
      f = { type, help, values: new Map(), histograms: new Map() };
      this.families.set(name, f);
    }
    return f;
  }

  inc(name: string, help: string, labels: Labels, by = 1): void {
    if (by === 0) return;
    const f = this.family(name, 'counter', help);
    const k = labelKey(labels);
    f.values.set(k, (f.values.get(k) ?? 0) + by);
  }

  set(name: string, help: string, labels: Labels, value: number): void {
    this.family(name, 'gauge', help).values.set(labelKey(labels), value);
  }

  observe(name: string, help: string, labels: Labels, seconds: number): void {
    const f = this.family(name, 'histogram', help);
    const k = labelKey(labels);
    const h = f.histograms.get(k) ?? { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
    BUCKETS.forEach((b, i) => { if (seconds <= b) h.counts[i]!++; });
    h.sum += seconds;
    h.count++;
    f.histograms.set(k, h);
  }

  /** The current value of a counter or gauge (for tests and health checks). */
  value(name: string, labels: Labels): number | undefined {
    return this.families.get(name)?.values.get(labelKey(labels));
  }

  render(): string {
    const out: string[] = [];
    for (const [name, f] of this.families) {
      out.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      for (const [k, v] of f.values) out.push(`${name}${k ? `{${k}}` : ''} ${v}`);
      for (const [k, h] of f.histograms) {
        const sep = k ? `${k},` : '';
        BUCKETS.forEach((b, i) => out.push(`${name}_bucket{${sep}le="${b}"} ${h.counts[i]}`));
        out.push(`${name}_bucket{${sep}le="+Inf"} ${h.count}`, `${name}_sum${k ? `{${k}}` : ''} ${h.sum}`, `${name}_count${k ? `{${k}}` : ''} ${h.count}`);
      }
    }
    return `${out.join('\n')}\n`;
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
  rewinds: ['vbc_partition_rewinds_total', 'Partitions re-read from the offset Redis holds, because Redis had lost writes the group had committed past'],
} as const;
