import type { Consumer } from 'kafkajs';
import { oneLine } from '../errors/app-error.ts';
import type { Context } from './context.ts';

type Committer = Pick<Consumer, 'commitOffsets'>;

/**
 * Offset commits that failed while the broker was away, sent again until it takes them. kafkajs
 * commits the offsets batches resolved only while it processes a batch, so a partition that
 * receives nothing more after a failed commit stays uncommitted: its records are applied, but the
 * group's lag says they wait (`vbc replay` waits for them, an alert on lag fires) until the next
 * record, and a restart reads them again for nothing.
 *
 * Per partition it keeps the offset after the last batch recorded applied; one whose commit failed
 * is committed every `everyMs` until a commit of its newest offset succeeds with nothing newer
 * recorded meanwhile (a batch committing at the same time could otherwise be overtaken by an older
 * offset). Committing any recorded offset is safe: its records' state is in Redis. After a
 * rebalance all is forgotten: whoever gets a partition reads it from the committed offset and
 * commits again.
 */
export function commitRetry(consumer: Committer, log: Context['logger'], everyMs = 2000) {
  const latest = new Map<string, { topic: string; partition: number; offset: string }>();
  const failed = new Set<string>();
  let sending = false;
  const send = async () => {
    if (failed.size === 0 || sending) return;
    sending = true;
    const sent = [...failed].map((key) => latest.get(key)!);
    try {
      await consumer.commitOffsets(sent);
      let still = 0;
      for (const entry of sent) {
        const key = `${entry.topic}|${entry.partition}`;
        if (latest.get(key) === entry) failed.delete(key);
        else still += 1;
      }
      if (still < sent.length)
        log.info({ partitions: sent.length - still }, 'offsets whose commit had failed are committed');
    } catch (error) {
      log.debug({ reason: oneLine(error) }, 'offsets whose commit had failed could not be committed yet');
    } finally {
      sending = false;
    }
  };
  const timer = setInterval(() => void send(), everyMs);
  timer.unref();
  return {
    /** A batch is applied through `next - 1` and its offset goes to the broker now. */
    recorded(topic: string, partition: number, next: string): void {
      latest.set(`${topic}|${partition}`, { topic, partition, offset: next });
    },
    /** The commit after `recorded` succeeded: nothing of this partition is left to send. */
    committed(topic: string, partition: number, next: string): void {
      const key = `${topic}|${partition}`;
      if (latest.get(key)?.offset === next) failed.delete(key);
    },
    /** The commit after `recorded` failed: the partition's newest offset is sent again later. */
    failed(topic: string, partition: number): void {
      failed.add(`${topic}|${partition}`);
    },
    /** The partition is read again from below what was recorded (Redis lost writes): nothing of it to send. */
    forget(topic: string, partition: number): void {
      const key = `${topic}|${partition}`;
      latest.delete(key);
      failed.delete(key);
    },
    rebalanced(): void {
      latest.clear();
      failed.clear();
    },
    /** For tests and shutdown: send what is pending now. */
    flush: send,
    stop(): void {
      clearInterval(timer);
    },
  };
}
