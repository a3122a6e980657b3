import type { AcoContribution } from './claims.ts';
import type { Alert } from './alerts.ts';
import type { Derived } from './derive.ts';

/** Signed changes to one (ACO, year) total; `beneficiaries` moves by 1 when this one starts or stops counting. */
export interface AcoDelta {
  expenditureCents: number;
  claimRecords: number;
  beneficiaries: number;
  byClaimType: Record<string, number>;
  byServiceMonth: Record<string, number>;
}

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

/**
 * ACO total deltas as flat counters, by `ACO|year`: `expenditureCents`, `claimRecords`,
 * `beneficiaries`, `type:<claimType>` and `month:<yyyy-mm>` (cents). The form the totals are kept
 * in (one counter each), so deltas of many beneficiaries simply add up. A counter may be zero.
 */
export type CounterDeltas = Map<string, Map<string, number>>;

/** Counter names with this prefix, each made once rather than per record. */
function counterNames(prefix: string): (value: string) => string {
  const names = new Map<string, string>();
  return (value) => {
    let name = names.get(value);
    if (name === undefined) names.set(value, (name = prefix + value));
    return name;
  };
}
export const typeCounter = counterNames('type:');
export const monthCounter = counterNames('month:');

/** One ACO-year's counters: the three every delta carries, at these values (zero by default). */
export function newCounters(expenditureCents = 0, claimRecords = 0, beneficiaries = 0): Map<string, number> {
  const d = new Map<string, number>();
  d.set('expenditureCents', expenditureCents);
  d.set('claimRecords', claimRecords);
  d.set('beneficiaries', beneficiaries);
  return d;
}

export function counterDeltas(deltas: Record<string, AcoDelta>): CounterDeltas {
  const out: CounterDeltas = new Map();
  for (const [acoYear, d] of Object.entries(deltas)) {
    const fields = newCounters(d.expenditureCents, d.claimRecords, d.beneficiaries);
    for (const [t, n] of Object.entries(d.byClaimType)) fields.set(typeCounter(t), n);
    for (const [m, n] of Object.entries(d.byServiceMonth)) fields.set(monthCounter(m), n);
    out.set(acoYear, fields);
  }
  return out;
}
