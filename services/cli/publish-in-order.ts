import type { Context } from '../../shared/service/context.ts';
import type { Progress } from './progress.ts';

/** A message to publish: its topic on the broker, key, Avro (or raw, for dead letters) value and headers. */
export interface Outgoing {
  topic: string;
  key: string;
  value: Buffer;
  headers?: Record<string, string>;
}

/**
 * Publishes in the given order, in slices: each slice is one batch request over all topics, so the
 * order within a topic is the file's and the topics advance together. With a rate, slices are paced.
 */
export async function publishInOrder(
  ctx: Context,
  messages: Outgoing[],
  rate: number,
  progress: Progress | null,
): Promise<void> {
  const slice = Number.isFinite(rate) ? Math.max(1, Math.round(rate / 10)) : 5000;
  const started = Date.now();
  for (let i = 0; i < messages.length; i += slice) {
    const byTopic = new Map<string, Outgoing[]>();
    for (const m of messages.slice(i, i + slice)) {
      const list = byTopic.get(m.topic) ?? [];
      list.push(m);
      byTopic.set(m.topic, list);
    }
    await ctx.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic,
        messages: list.map(({ key, value, headers }) => ({ key, value, headers })),
      })),
    });
    const done = Math.min(messages.length, i + slice);
    progress?.update(done);
    if (Number.isFinite(rate)) {
      const due = started + (done / rate) * 1000;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    }
  }
  if (messages.length === 0) progress?.update(0);
}
