import { sendByTopic, type TopicMessage } from '../../shared/kafka/batch-sender.ts';
import type { Context } from '../../shared/service/context.ts';
import type { Progress } from './progress.ts';

/** A message to publish: its topic on the broker, key, Avro (or raw, for dead letters) value and headers. */
export type Outgoing = TopicMessage;

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
    await sendByTopic(ctx.producer, messages.slice(i, i + slice));
    const done = Math.min(messages.length, i + slice);
    progress?.update(done);
    if (Number.isFinite(rate)) {
      const due = started + (done / rate) * 1000;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    }
  }
  if (messages.length === 0) progress?.update(0);
}
