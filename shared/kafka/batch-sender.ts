import type { Message, Producer } from 'kafkajs';

/** A message with its topic, as the CLI and the HL7 gateway publish them. */
export interface TopicMessage {
  topic: string;
  key: string;
  value: Buffer;
  headers?: Record<string, string>;
}

/**
 * Sends messages of several topics in one produce request, acknowledged by every in-sync replica;
 * within a topic (and so within a partition) they keep the given order.
 */
export async function sendByTopic(producer: Pick<Producer, 'sendBatch'>, messages: TopicMessage[]): Promise<void> {
  const byTopic = new Map<string, Message[]>();
  for (const { topic, key, value, headers } of messages) {
    const list = byTopic.get(topic);
    const message = headers ? { key, value, headers } : { key, value };
    if (list) list.push(message);
    else byTopic.set(topic, [message]);
  }
  await producer.sendBatch({
    acks: -1,
    topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list })),
  });
}

/**
 * Sends records in batches of up to `batchSize` (one produce request per broker each, acknowledged
 * by every in-sync replica) instead of one request per record, in the order they were added:
 * batches go one after another, and within one, records for the same partition keep their order.
 */
export class BatchSender {
  private pending = new Map<string, Message[]>();
  private size = 0;
  private sent = 0;

  constructor(
    private readonly producer: Pick<Producer, 'sendBatch'>,
    private readonly batchSize = 1_000,
  ) {}

  async add(topic: string, message: Message): Promise<void> {
    const messages = this.pending.get(topic);
    if (messages) messages.push(message);
    else this.pending.set(topic, [message]);
    if (++this.size >= this.batchSize) await this.flush();
  }

  /** Sends what is pending; returns how many records were sent in all. */
  async flush(): Promise<number> {
    if (this.size > 0) {
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...this.pending].map(([topic, messages]) => ({ topic, messages })),
      });
      this.sent += this.size;
      this.pending = new Map();
      this.size = 0;
    }
    return this.sent;
  }
}
