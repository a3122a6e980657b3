import { isIsoDate } from '../../../shared/domain/dates.ts';
import { OutboxRelay } from '../../../shared/engine/outbox-relay.ts';
import { reconcile } from '../../../shared/engine/reconcile.ts';
import { openContext } from '../../../shared/service/context.ts';
import { option, type Command } from './command.ts';

export const reconcileCommand: Command = {
  usage: 'reconcile --as-of YYYY-MM-DD',
  summary: 'close episodes whose window ended before the date and emit episode and MSSP reconciliations',
  async run(args) {
    const asOf = option(args, 'as-of');
    if (!isIsoDate(asOf)) throw new Error('--as-of needs a date YYYY-MM-DD');
    const ctx = await openContext('vbc-reconcile');
    try {
      const { mssp } = await reconcile(ctx.store, asOf, ctx.config.overrunThresholds, 'cli');
      const published = await new OutboxRelay(ctx.store, 'cli', ctx.producer, ctx.codec, ctx.topics).flush();
      console.error(`reconcile as of ${asOf}: ${mssp} MSSP reconciliations; ${published} events published`);
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
