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
  /** The drain in progress or last done: drains of one relay run one after another, never side by side. */
  private queue: Promise<number> = Promise.resolve(0);
  /** The drain queued behind it and not started yet, which callers join rather than queue another. */
  private waiting: Promise<number> | null = null;

  constructor(
    private readonly outbox: OutboxStore,
    private readonly owner: string,
    private readonly producer: Producer,
    private readonly codec: AvroCodec,
    private readonly topics: TopicNames,
  ) {}

  /**
   * Drains the outbox; resolves once everything appended before the call is published, with how
   * many events this call counts as its own (each event is counted by one call). Concurrent batches
   * of one service call this together. Drains are queued, so two never read and publish the same
   * head twice; and a call made while a drain is already waiting joins it rather than queue one
   * more: a drain that has not started reads the outbox after the call, so it publishes what the
   * caller committed. Batches of several partitions then share one read of the outbox heads, one
   * produce request and one trim.
   */
  flush(): Promise<number> {
    if (this.waiting) return this.waiting.then(() => 0);
    const next = this.queue
      .catch(() => 0)
      .then(() => {
        this.waiting = null;
        return this.drain();
      });
    this.queue = next;
    this.waiting = next;
    return next;
  }

  /**
   * Every shard's outbox at once: the heads read side by side, published in one produce request,
   * then each shard's acknowledged part trimmed. Order matters within a shard (a beneficiary's
   * events), not between shards. A shard whose head was shorter than a chunk was read to its end
   * and is not read again: what a concurrent batch appends after that read goes out with that
   * batch's own flush, queued behind this one. Reading every shard once more to find it empty cost
   * each batch one more Redis round trip and a command per shard, and at a steady ADT rate a
   * batch's round trips are what delay the next records of its partition.
   */
  private async drain(): Promise<number> {
    let shards = Array.from({ length: this.outbox.shards }, (_, s) => s);
    let published = 0;
    while (shards.length > 0) {
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
        heads.map((head, i) =>
          head.length > 0 ? this.outbox.ack(this.owner, shards[i]!, head[0]!, head.length) : undefined,
        ),
      );
      published += entries.length;
      shards = shards.filter((_, i) => heads[i]!.length === CHUNK);
    }
    return published;
  }
}
