import { openContext } from '../../../shared/service/context.ts';
import { financeReport } from '../finance-report.ts';
import { exportState } from '../state-export.ts';
import type { Command } from './command.ts';

export const financeCommand: Command = {
  usage: 'finance',
  summary: 'the finance summary: MSSP results per ACO and BPCI episode NPRA, from the latest reconciliations',
  help: `Prints, per ACO and performance year, the benchmark, the expenditure, the savings rate, the
MSR/MLR used and the shared savings or losses of the latest reconciliation (run 'vbc reconcile'
first), then the BPCI episodes with their NPRA, by category.`,
  async run() {
    const ctx = await openContext('vbc-finance');
    try {
      const state = await exportState(ctx.stores);
      const records = await ctx.stores.reference.reconciliations();
      for (const line of financeReport(state.acos, state.episodes, records)) console.log(line);
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
