import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';

export type TopicRecord = KafkaMessage & { partition: number };

/** Every record now on a topic, read from the beginning by a throwaway consumer group. */
export async function readTopic(kafka: Kafka, admin: Admin, topic: string, timeoutMs = 60_000): Promise<TopicRecord[]> {
  const ends = await admin.fetchTopicOffsets(topic);
  const target = ends.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  const messages: TopicRecord[] = [];
  if (target === 0) return messages;
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${messages.length} of ${target} records of ${topic}`)),
        timeoutMs,
      );
      void consumer.run({
        eachBatch: async ({ batch }) => {
          // Named, not spread: a fetched record's key, value and headers are getters (fetched-record.ts).
          for (const m of batch.messages) {
            const { key, value, headers, timestamp, attributes, offset } = m;
            messages.push({
              key,
              value,
              headers: headers ?? {},
              timestamp,
              attributes,
              offset,
              partition: batch.partition,
            });
          }
          if (messages.length >= target) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

/** A header's value as text. */
export const header = (m: KafkaMessage, name: string): string | undefined => m.headers?.[name]?.toString();
