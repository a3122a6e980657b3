import { exportState } from '../../services/cli/state-export.ts';
import type { ServiceContext } from '../../shared/service/context.ts';
import type { Totals } from './claims-feed.ts';

/** Each ACO-year's expenditure and claim records as the export shows them, by `ACO|year`: what a feed's oracle expects. */
export async function acoTotals(ctx: Pick<ServiceContext, 'stores'>): Promise<Record<string, Totals>> {
  const out: Record<string, Totals> = {};
  for (const a of (await exportState(ctx.stores)).acos)
    out[`${a.acoId}|${a.performanceYear}`] = { expenditureCents: a.expenditureCents, claimRecords: a.claimRecords };
  return out;
}
