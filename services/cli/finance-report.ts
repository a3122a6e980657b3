import type { ReconciliationRecord } from '../../shared/engine/events.ts';

export interface EpisodeRow {
  category: string;
  status: string;
  spendCents: number;
  targetPriceCents: number | null;
  anchorFacilityId?: string | null;
}

export interface AcoRow {
  acoId: string;
  performanceYear: number;
  expenditureCents: number;
  claimRecords: number;
}

const usd = (cents: number) => `${cents < 0 ? '-' : ''}$${(Math.abs(cents) / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/**
 * The finance analyst's summary, from the state export and the latest reconciliation records:
 * per ACO expenditure against the benchmark and the shared savings or losses, and BPCI episodes
 * with their NPRA by category.
 */
export function financeReport(acos: AcoRow[], episodes: EpisodeRow[], records: ReconciliationRecord[]): string[] {
  const out: string[] = [];
  const mssp = new Map(records.filter((r) => r.kind === 'MSSP').map((r) => [r.subjectId, r]));
  out.push('== MSSP shared savings and losses');
  out.push(`  ${'ACO'.padEnd(7)} ${'year'.padEnd(5)} ${'track'.padEnd(9)} ${'benchmark'.padStart(17)} ${'expenditure'.padStart(17)} ${'savings'.padStart(8)} ${'MSR/MLR'.padStart(8)}  result`);
  const uncontracted: string[] = [];
  for (const a of acos) {
    const r = mssp.get(`${a.acoId}:${a.performanceYear}`);
    if (!r) {
      uncontracted.push(`${a.acoId} ${a.performanceYear} ${usd(a.expenditureCents)}`);
      continue;
    }
    const w = r.working;
    const result = r.amountCents > 0 ? `shared savings ${usd(r.amountCents)}` : r.amountCents < 0 ? `shared losses ${usd(-r.amountCents)}` : 'no sharing (within the MSR/MLR corridor or one-sided)';
    const limit = w.capOrLimitApplied === 'true' ? (r.amountCents > 0 ? ', capped' : ', at the loss limit') : '';
    out.push(`  ${a.acoId.padEnd(7)} ${String(a.performanceYear).padEnd(5)} ${(w.track ?? '').padEnd(9)} ${usd(Number(w.benchmarkTotalCents)).padStart(17)} ${usd(a.expenditureCents).padStart(17)} ${pct(Number(w.savingsRate)).padStart(8)} ${`${Number(w.msrPercent).toFixed(2)}%`.padStart(8)}  ${result}${limit} (${r.final ? 'final' : `interim as of ${r.asOf}`})`);
  }

  if (uncontracted.length > 0) out.push(`  spend in years with no contract or reconciliation yet: ${uncontracted.join('; ')}`);

  const episodeRecords = records.filter((r) => r.kind === 'EPISODE');
  const paid = episodeRecords.filter((r) => r.amountCents > 0).reduce((n, r) => n + r.amountCents, 0);
  const owed = episodeRecords.filter((r) => r.amountCents < 0).reduce((n, r) => n - r.amountCents, 0);
  out.push('');
  out.push('== BPCI Advanced episodes');
  out.push(`  ${episodes.length} episodes: ${episodes.filter((e) => e.status === 'RECONCILED').length} reconciled, ${episodes.filter((e) => e.status === 'OPEN').length} open; ${episodes.filter((e) => e.targetPriceCents === null).length} without a target price`);
  out.push(`  NPRA: ${usd(paid)} paid to participants, ${usd(owed)} owed to CMS, net ${usd(paid - owed)} over ${episodeRecords.length} reconciliations`);
  const byCategory = new Map<string, { n: number; spend: number; target: number; over: number }>();
  for (const e of episodes) {
    if (e.targetPriceCents === null) continue;
    const c = byCategory.get(e.category) ?? { n: 0, spend: 0, target: 0, over: 0 };
    c.n++;
    c.spend += e.spendCents;
    c.target += e.targetPriceCents;
    if (e.spendCents > e.targetPriceCents) c.over++;
    byCategory.set(e.category, c);
  }
  out.push(`  ${'category'.padEnd(14)} ${'episodes'.padStart(8)} ${'over target'.padStart(11)} ${'spend/target'.padStart(12)}`);
  for (const [category, c] of [...byCategory].sort((a, b) => b[1].n - a[1].n)) {
    out.push(`  ${category.padEnd(14)} ${String(c.n).padStart(8)} ${String(c.over).padStart(11)} ${pct(c.spend / c.target).padStart(12)}`);
  }
  return out;
}
