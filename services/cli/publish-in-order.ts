import { sendByTopic, type TopicMessage } from '../../shared/kafka/batch-sender.ts';
import { oneLine } from '../../shared/errors/app-error.ts';
import { mayPass } from '../../shared/kafka/error-verdict.ts';
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
    await sendWhileAway(ctx, messages.slice(i, i + slice));
    const done = Math.min(messages.length, i + slice);
    progress?.update(done);
    if (Number.isFinite(rate)) {
      const due = started + (done / rate) * 1000;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    }
  }
  if (messages.length === 0) progress?.update(0);
}

/** How long a slice is sent again while the broker is away before the command gives up. */
const BROKER_AWAY_BUDGET_MS = 120_000;

/**
 * Sends one slice; while the broker is away (a restart, a leader election: longer than kafkajs's
 * own retries on a loaded machine) the slice is sent again every second, up to two minutes. A
 * record that went out in a failed attempt is then published twice, which the services take as
 * one (a fact is held by its id); a bad line's dead letter may appear twice on its topic.
 */
export async function sendWhileAway(ctx: Pick<Context, 'producer' | 'logger'>, slice: Outgoing[]): Promise<void> {
  const deadline = Date.now() + BROKER_AWAY_BUDGET_MS;
  let away = false;
  for (;;) {
    try {
      await sendByTopic(ctx.producer, slice);
      if (away) ctx.logger.info('the broker is back; publishing goes on');
      return;
    } catch (error) {
      if (!(error instanceof Error) || !mayPass(error) || Date.now() > deadline) throw error;
      if (!away)
        ctx.logger.warn(
          { reason: oneLine(error) },
          'the broker is away; publishing waits until it is back (up to 2 minutes)',
        );
      away = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
