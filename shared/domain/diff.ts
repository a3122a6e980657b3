import type { AcoContribution, AcoDelta } from './facts.ts';

export type { AcoDelta };
import type { Alert } from './alerts.ts';
import type { Derived } from './derive.ts';

export interface Changes {
  acoDeltas: Record<string, AcoDelta>;
  raised: Alert[];
  withdrawn: Alert[];
}

const EMPTY: AcoContribution = { expenditureCents: 0, claimRecords: 0, byClaimType: {}, byServiceMonth: {} };

function mapDelta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of new Set([...Object.keys(after), ...Object.keys(before)])) {
    const d = (after[k] ?? 0) - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

/** The output of a change is exactly the difference between the derived states before and after. */
export function diff(before: Derived, after: Derived): Changes {
  const acoDeltas: Record<string, AcoDelta> = {};
  for (const key of new Set([...Object.keys(before.acos), ...Object.keys(after.acos)])) {
    const b = before.acos[key] ?? EMPTY;
    const a = after.acos[key] ?? EMPTY;
    const delta: AcoDelta = {
      expenditureCents: a.expenditureCents - b.expenditureCents,
      claimRecords: a.claimRecords - b.claimRecords,
      beneficiaries: (a.claimRecords > 0 ? 1 : 0) - (b.claimRecords > 0 ? 1 : 0),
      byClaimType: mapDelta(a.byClaimType, b.byClaimType),
      byServiceMonth: mapDelta(a.byServiceMonth, b.byServiceMonth),
    };
    if (
      delta.expenditureCents ||
      delta.claimRecords ||
      delta.beneficiaries ||
      Object.keys(delta.byClaimType).length ||
      Object.keys(delta.byServiceMonth).length
    ) {
      acoDeltas[key] = delta;
    }
  }
  const raised = Object.values(after.alerts).filter((a) => !before.alerts[a.alertId]);
  const withdrawn = Object.values(before.alerts).filter((a) => !after.alerts[a.alertId]);
  return { acoDeltas, raised, withdrawn };
}
