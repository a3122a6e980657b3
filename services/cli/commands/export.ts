import { openContext } from '../../../shared/service/context.ts';
import { exportState } from '../state-export.ts';
import type { Command } from './command.ts';

export const exportCommand: Command = {
  usage: 'export',
  summary: 'print the state (ACO totals, readmissions, episodes, alerts in force, reconciliations) as JSON',
  async run() {
    const ctx = await openContext('vbc-export');
    try {
      process.stdout.write(`${JSON.stringify(await exportState(ctx.stores), null, 1)}\n`);
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
