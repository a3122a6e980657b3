import type { Producer } from 'kafkajs';
import type { AvroCodec } from '../registry/codec.ts';
import { valueSubject } from '../registry/schemas.ts';
import type { TopicNames } from '../kafka/topics.ts';
import type { OutboxStore } from './stores.ts';
import type { OutboxEvent } from './events.ts';

const CHUNK = 500;

/**
 * Publishes an outbox to Kafka and removes what the broker acknowledged (acks=all). A crash between
 * the two re-publishes the same events with the same ids: at least once, deduplicated by id.
 */
export class OutboxRelay {
  /** The flush in progress: flushes of one relay run one after another, never side by side. */
  private queue: Promise<number> = Promise.resolve(0);

  constructor(
    private readonly outbox: OutboxStore,
    private readonly owner: string,
    private readonly producer: Producer,
    private readonly codec: AvroCodec,
    private readonly topics: TopicNames,
  ) {}

  /**
   * Drains the outbox; returns how many events this call published. Concurrent batches of one
   * service call this together: queued, so two drains never read and publish the same head twice.
   */
  flush(): Promise<number> {
    const next = this.queue.catch(() => 0).then(() => this.drain());
    this.queue = next;
    return next;
  }

  /**
   * Every shard's outbox at once: the heads read side by side, published in one produce request,
   * then each shard's acknowledged part trimmed. Order matters within a shard (a beneficiary's
   * events), not between shards.
   */
  private async drain(): Promise<number> {
    const shards = Array.from({ length: this.outbox.shards }, (_, s) => s);
    let published = 0;
    for (;;) {
      const heads = await Promise.all(shards.map((s) => this.outbox.head(this.owner, s, CHUNK)));
      const entries = heads.flat();
      if (entries.length === 0) return published;
      const byTopic = new Map<string, { key: string; value: Buffer }[]>();
      for (const entry of entries) {
        const bar = entry.indexOf('|');
        const event = JSON.parse(entry.slice(bar + 1)) as OutboxEvent;
        const topic = this.topics.output(event.topic);
        const list = byTopic.get(topic) ?? [];
        // The commit order, assigned atomically with the state change: consumers take the event with
        // the highest sequence as current, whatever order two services' outboxes reached the topic in.
        const value = { ...event.value, sequence: Number(entry.slice(0, bar)) };
        list.push({ key: event.key, value: this.codec.encode(valueSubject(topic), value) });
        byTopic.set(topic, list);
      }
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
      await Promise.all(
        heads.map((head, s) => (head.length > 0 ? this.outbox.ack(this.owner, s, head[0]!, head.length) : undefined)),
      );
      published += entries.length;
    }
  }
}
