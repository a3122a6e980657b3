import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import type { Context } from '../../../shared/service/context.ts';
import { AlertBoard, type AlertEvent, type BoardChange } from '../domain/alert-board.ts';

/**
 * The alerts topic read into the board of alerts in force, from the beginning, then live: every
 * change goes to the listeners (the worklists open in browsers). A consumer group of its own per
 * process (every web instance needs every alert), deleted when it stops.
 */
export class AlertsFeed {
  readonly board = new AlertBoard();
  private readonly listeners = new Set<(c: NonNullable<BoardChange>) => void>();
  private consumer: Consumer | null = null;
  private readonly groupId: string;
  private caughtUp = false;

  constructor(private readonly ctx: Context) {
    this.groupId = `${ctx.config.groupPrefix}web-${randomUUID()}`;
  }

  get ready(): boolean {
    return this.caughtUp;
  }

  onChange(listener: (c: NonNullable<BoardChange>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts reading; resolves once every alert published before the start is on the board. */
  async start(timeoutMs = 120_000): Promise<void> {
    const topic = this.ctx.topics.output('alerts');
    const ends = new Map(
      (await this.ctx.admin.fetchTopicOffsets(topic)).map((p) => [
        p.partition,
        { high: Number(p.high), low: Number(p.low) },
      ]),
    );
    const pending = new Set([...ends].filter(([, o]) => o.high > o.low).map(([p]) => p));
    this.caughtUp = pending.size === 0;
    let resolveCaughtUp: () => void = () => undefined;
    const caughtUp = new Promise<void>((resolve) => {
      resolveCaughtUp = resolve;
      if (this.caughtUp) resolve();
    });
    this.consumer = this.ctx.kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 50 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        await this.ctx.codec.prepare(batch.messages.map((m) => m.value));
        for (const m of batch.messages) {
          let event: AlertEvent;
          try {
            event = this.ctx.codec.decode(m.value) as AlertEvent;
          } catch {
            continue; // Not one of ours: the services write this topic; nothing to show.
          }
          const sequence = event.sequence === null ? null : Number(event.sequence);
          const change = this.board.apply({ ...event, sequence });
          if (change) for (const l of this.listeners) l(change);
        }
        const end = ends.get(batch.partition);
        if (!this.caughtUp && end && Number(batch.lastOffset()) + 1 >= end.high) {
          pending.delete(batch.partition);
          if (pending.size === 0) {
            this.caughtUp = true;
            resolveCaughtUp();
          }
        }
      },
    });
    await Promise.race([
      caughtUp,
      new Promise<void>((_, reject) =>
        setTimeout(
          () => reject(new Error('the web service could not read the alerts topic in time')),
          timeoutMs,
        ).unref(),
      ),
    ]);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.ctx.admin.deleteGroups([this.groupId]).catch(() => undefined);
  }
}
