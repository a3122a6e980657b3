import type { ReconciliationRecord } from '../../shared/engine/events.ts';

export interface EpisodeRow {
  program?: string;
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

const usd = (cents: number) =>
  `${cents < 0 ? '-' : ''}$${(Math.abs(cents) / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/**
 * The finance analyst's summary, from the state export and the latest reconciliation records:
 * per ACO expenditure against the benchmark and the shared savings or losses, TEAM and BPCI
 * Advanced episodes with their reconciliation amounts by category, and TEAM hospitals' results.
 */
export function financeReport(acos: AcoRow[], episodes: EpisodeRow[], records: ReconciliationRecord[]): string[] {
  const out: string[] = [];
  const mssp = new Map(records.filter((r) => r.kind === 'MSSP').map((r) => [r.subjectId, r]));
  out.push('== MSSP shared savings and losses');
  out.push(
    `  ${'ACO'.padEnd(7)} ${'year'.padEnd(5)} ${'track'.padEnd(9)} ${'benchmark'.padStart(17)} ${'expenditure'.padStart(17)} ${'savings'.padStart(8)} ${'MSR/MLR'.padStart(8)}  result`,
  );
  const uncontracted: string[] = [];
  for (const a of acos) {
    const r = mssp.get(`${a.acoId}:${a.performanceYear}`);
    if (!r) {
      uncontracted.push(`${a.acoId} ${a.performanceYear} ${usd(a.expenditureCents)}`);
      continue;
    }
    const w = r.working;
    const result =
      r.amountCents > 0
        ? `shared savings ${usd(r.amountCents)}`
        : r.amountCents < 0
          ? `shared losses ${usd(-r.amountCents)}`
          : 'no sharing (within the MSR/MLR corridor or one-sided)';
    const limit = w.capOrLimitApplied === 'true' ? (r.amountCents > 0 ? ', capped' : ', at the loss limit') : '';
    out.push(
      `  ${a.acoId.padEnd(7)} ${String(a.performanceYear).padEnd(5)} ${(w.track ?? '').padEnd(9)} ${usd(Number(w.benchmarkTotalCents)).padStart(17)} ${usd(a.expenditureCents).padStart(17)} ${pct(Number(w.savingsRate)).padStart(8)} ${`${Number(w.msrPercent).toFixed(2)}%`.padStart(8)}  ${result}${limit} (${r.final ? 'final' : `interim as of ${r.asOf}`})`,
    );
  }

  if (uncontracted.length > 0)
    out.push(`  spend in years with no contract or reconciliation yet: ${uncontracted.join('; ')}`);

  for (const program of ['TEAM', 'BPCI_A'] as const) {
    const mine = episodes.filter((e) => (e.program ?? 'BPCI_A') === program);
    const recs = records.filter((r) => r.kind === 'EPISODE' && (r.program ?? 'BPCI_A') === program);
    if (mine.length === 0 && recs.length === 0) continue;
    out.push('');
    out.push(
      program === 'TEAM' ? '== TEAM episodes (anchors from 2026)' : '== BPCI Advanced episodes (anchors through 2025)',
    );
    out.push(...episodeLines(mine, recs, program === 'TEAM' ? 'reconciliation amount' : 'NPRA'));
    if (program === 'TEAM') out.push(...teamHospitalLines(records.filter((r) => r.kind === 'TEAM')));
  }
  return out;
}

function episodeLines(episodes: EpisodeRow[], episodeRecords: ReconciliationRecord[], amountName: string): string[] {
  const out: string[] = [];
  const paid = episodeRecords.filter((r) => r.amountCents > 0).reduce((n, r) => n + r.amountCents, 0);
  const owed = episodeRecords.filter((r) => r.amountCents < 0).reduce((n, r) => n - r.amountCents, 0);
  out.push(
    `  ${episodes.length} episodes: ${episodes.filter((e) => e.status === 'RECONCILED').length} reconciled, ${episodes.filter((e) => e.status === 'OPEN').length} open; ${episodes.filter((e) => e.targetPriceCents === null).length} without a target price`,
  );
  out.push(
    `  ${amountName} per episode: ${usd(paid)} paid to participants, ${usd(owed)} owed to CMS, net ${usd(paid - owed)} over ${episodeRecords.length} reconciliations`,
  );
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
  out.push(
    `  ${'category'.padEnd(14)} ${'episodes'.padStart(8)} ${'over target'.padStart(11)} ${'spend/target'.padStart(12)}`,
  );
  for (const [category, c] of [...byCategory].sort((a, b) => b[1].n - a[1].n)) {
    out.push(
      `  ${category.padEnd(14)} ${String(c.n).padStart(8)} ${String(c.over).padStart(11)} ${pct(c.spend / c.target).padStart(12)}`,
    );
  }
  return out;
}

/**
 * TEAM's hospital-level reconciliation per performance year: target and spend totals, the track's limits, the amount.
 */
function teamHospitalLines(records: ReconciliationRecord[]): string[] {
  if (records.length === 0) return ['  TEAM hospital-level reconciliation: none yet (run vbc reconcile)'];
  const out = [
    '  TEAM hospital-level reconciliation (42 CFR 512.550: target total - spend total, quality adjustment, stop-gain/stop-loss)',
  ];
  out.push(
    `  ${'hospital'.padEnd(10)} ${'year'.padEnd(5)} ${'track'.padEnd(6)} ${'episodes'.padStart(8)} ${'targets'.padStart(15)} ${'spend'.padStart(15)} ${'raw'.padStart(14)}  result`,
  );
  for (const r of [...records].sort((a, b) => (a.subjectId < b.subjectId ? -1 : 1))) {
    const w = r.working;
    const limit =
      w.limitApplied === 'true'
        ? r.amountCents > 0
          ? `, at the ${pct(Number(w.stopGainCents) / Number(w.targetTotalCents))} stop-gain`
          : r.amountCents < 0
            ? ', at the stop-loss'
            : ', upside only'
        : '';
    const result =
      r.amountCents > 0
        ? `paid ${usd(r.amountCents)}`
        : r.amountCents < 0
          ? `owed to CMS ${usd(-r.amountCents)}`
          : 'nothing';
    out.push(
      `  ${(w.facilityId ?? '').padEnd(10)} ${(w.performanceYear ?? '').padEnd(5)} ${String(w.track).padEnd(6)} ${String(w.episodes).padStart(8)} ${usd(Number(w.targetTotalCents)).padStart(15)} ${usd(Number(w.spendTotalCents)).padStart(15)} ${usd(Number(w.reconciliationAmountCents)).padStart(14)}  ${result}${limit} (${r.final ? 'final' : `interim as of ${r.asOf}`})`,
    );
  }
  return out;
}
