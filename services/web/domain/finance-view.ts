import type { ReconciliationRecord } from '../../../shared/domain/reconciliation-record.ts';
import type { AcoContract } from '../../../shared/domain/mssp.ts';

interface ExportAco {
  acoId: string;
  performanceYear: number;
  expenditureCents: number;
  claimRecords: number;
  byServiceMonth: Record<string, number>;
}
interface ExportEpisode {
  episodeId: string;
  program: string;
  category: string;
  spendCents: number;
  targetPriceCents: number | null;
  status: string;
}

/**
 * The finance page's figures, from the state export (so a download equals the export) and the
 * latest reconciliation records (for their working): per ACO and year, expenditure by service month
 * and cumulative against the benchmark; the latest MSSP reconciliation; episodes by program and
 * category with their reconciliation amounts.
 */
export function financeView(
  acos: ExportAco[],
  episodes: ExportEpisode[],
  contracts: AcoContract[],
  records: ReconciliationRecord[],
) {
  const contractOf = new Map(contracts.map((c) => [`${c.acoId}:${c.performanceYear}`, c]));
  const msspOf = new Map(records.filter((r) => r.kind === 'MSSP').map((r) => [r.subjectId, r]));
  const acoYears = acos.map((a) => {
    const key = `${a.acoId}:${a.performanceYear}`;
    const contract = contractOf.get(key);
    let running = 0;
    const months = Object.entries(a.byServiceMonth)
      .sort(([x], [y]) => (x < y ? -1 : 1))
      .map(([month, cents]) => ({ month, cents, cumulativeCents: (running += cents) }));
    const reconciliation = msspOf.get(key);
    return {
      acoId: a.acoId,
      performanceYear: a.performanceYear,
      expenditureCents: a.expenditureCents,
      claimRecords: a.claimRecords,
      benchmarkCents: contract ? contract.benchmarkPerCapitaCents * contract.assignedBeneficiaries : null,
      track: contract?.track ?? null,
      months,
      reconciliation: reconciliation
        ? {
            eventId: reconciliation.eventId,
            amountCents: reconciliation.amountCents,
            final: reconciliation.final,
            asOf: reconciliation.asOf,
            working: reconciliation.working,
          }
        : null,
    };
  });
  const amountOf = new Map(records.filter((r) => r.kind === 'EPISODE').map((r) => [r.subjectId, r.amountCents]));
  const groups = new Map<
    string,
    {
      program: string;
      category: string;
      episodes: number;
      spendCents: number;
      targetCents: number;
      reconciliationCents: number;
    }
  >();
  for (const e of episodes) {
    const k = `${e.program}|${e.category}`;
    const g = groups.get(k) ?? {
      program: e.program,
      category: e.category,
      episodes: 0,
      spendCents: 0,
      targetCents: 0,
      reconciliationCents: 0,
    };
    g.episodes++;
    g.spendCents += e.spendCents;
    g.targetCents += e.targetPriceCents ?? 0;
    g.reconciliationCents += amountOf.get(e.episodeId) ?? 0;
    groups.set(k, g);
  }
  return {
    acoYears,
    episodeCategories: [...groups.values()].sort((a, b) => (a.program + a.category < b.program + b.category ? -1 : 1)),
  };
}
