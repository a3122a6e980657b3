import { isIsoDate } from '../../../shared/domain/dates.ts';
import { OutboxRelay } from '../../../shared/engine/outbox-relay.ts';
import { reconcile } from '../../../shared/engine/reconcile.ts';
import { openContext } from '../../../shared/service/context.ts';
import { stringOption, type Command } from './command.ts';

export const reconcileCommand: Command = {
  usage: 'reconcile --as-of YYYY-MM-DD',
  summary: 'close episodes whose window ended before the date and emit episode, TEAM hospital and MSSP reconciliations',
  help: `Closes every open episode whose window ended before the date and emits its reconciliation
(BPCI Advanced NPRA or TEAM's per-episode amount), then TEAM's hospital-level reconciliation per
performance year (track limits from reference/team-*.json), then the MSSP reconciliation of every
(ACO, year) with a contract: final when the year ended before the date, else interim.
A performance year whose claims run-out (VBC_CLAIMS_RUNOUT_DAYS after December 31, default 90) ended
before the date has had its final reconciliation and closes: later claims of it are dead-lettered
as PERIOD_CLOSED, and its claim records fold into per-beneficiary summaries (docs/operations.md).`,
  options: { 'as-of': { type: 'string' } },
  async run(input) {
    const asOf = stringOption(input, 'as-of');
    if (!isIsoDate(asOf)) throw new Error('--as-of needs a date YYYY-MM-DD');
    const ctx = await openContext('vbc-reconcile');
    try {
      const { mssp, team, closedThrough } = await reconcile(
        ctx.stores,
        asOf,
        ctx.config.overrunThresholds,
        'cli',
        ctx.config.claimsRunoutDays,
      );
      const published = await new OutboxRelay(ctx.stores.outbox, 'cli', ctx.producer, ctx.codec, ctx.topics).flush();
      const closed =
        closedThrough === null
          ? 'no performance year closes (VBC_CLAIMS_RUNOUT_DAYS=off)'
          : `performance years through ${closedThrough} are closed`;
      console.error(
        `reconcile as of ${asOf}: ${team} TEAM hospital and ${mssp} MSSP reconciliations; ${published} events published; ${closed}`,
      );
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
