import { isIsoDate } from '../../../shared/domain/dates.ts';
import { randomUUID } from 'node:crypto';
import { openContext } from '../../../shared/service/context.ts';
import { AlertTally, alertLine, type AlertEvent } from '../alert-view.ts';
import { stringOption, type Command } from './command.ts';

export const alertsCommand: Command = {
  usage: 'alerts [--follow] [--max N] [--today DATE|event]',
  summary: 'the care-manager view: alerts raised and withdrawn, as they arrive',
  help: `Prints the alerts on the alerts topic, one line each: who, where, why, days since discharge or
percent of the episode target, and how long after the triggering record the alert came out.
  --follow  keep printing new alerts until SIGTERM or Ctrl-C (then print a summary); without it,
            print what is on the topic now and exit
  --max N   print at most N alert lines, then a running tally every 5 seconds
  --today D days left to a transitional-care deadline are counted from D (YYYY-MM-DD; default
            today's date), or with 'event' from the discharge date itself, as a care manager
            watching the feed live would have seen them (the demo's simulated year)`,
  options: { follow: { type: 'boolean' }, max: { type: 'string' }, today: { type: 'string' } },
  async run(input) {
    const follow = input.values.follow === true;
    const today = stringOption(input, 'today');
    if (today !== undefined && today !== 'event' && !isIsoDate(today))
      throw new Error(`--today needs a date YYYY-MM-DD or 'event', not '${today}'`);
    const max = Number(stringOption(input, 'max') ?? Infinity);
    if (!(max >= 0)) throw new Error('--max needs a number of lines');
    const ctx = await openContext('vbc-alerts');
    const topic = ctx.topics.output('alerts');
    const tally = new AlertTally();
    let printed = 0;
    const ends = await ctx.admin.fetchTopicOffsets(topic);
    const remaining = new Map(ends.map((p) => [p.partition, Number(p.high)]));
    const consumer = ctx.kafka.consumer({
      groupId: `${ctx.config.groupPrefix}alerts-view-${randomUUID().slice(0, 8)}`,
      maxWaitTimeInMs: 100,
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      let resolveDone: () => void = () => undefined;
      const done = new Promise<void>((resolve) => {
        resolveDone = resolve;
      });
      const caughtUp = () => [...remaining.entries()].every(([p, high]) => (lastSeen.get(p) ?? -1) + 1 >= high);
      const lastSeen = new Map<number, number>();
      await consumer.run({
        eachBatch: async ({ batch }) => {
          await ctx.codec.prepare(batch.messages.map((m) => m.value));
          for (const m of batch.messages) {
            const event = ctx.codec.decode(m.value) as AlertEvent;
            tally.add(event);
            if (printed < max) {
              console.log(
                alertLine(
                  event,
                  Number(m.timestamp),
                  today === 'event' ? (event.details.dischargeDate ?? undefined) : today,
                ),
              );
              printed++;
            }
            lastSeen.set(batch.partition, Number(m.offset));
          }
          if (!follow && caughtUp()) resolveDone();
        },
      });
      if (!follow && caughtUp()) resolveDone();
      let ticker: NodeJS.Timeout | undefined;
      if (follow) {
        let lastTotal = 0;
        ticker = setInterval(() => {
          if (printed >= max && tally.total !== lastTotal) console.log(`  ... ${tally.summary()}`);
          lastTotal = tally.total;
        }, 5000);
        const stop = () => resolveDone();
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      }
      await done;
      if (ticker) clearInterval(ticker);
      console.log(tally.summary());
      return 0;
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await ctx.close();
    }
  },
};
