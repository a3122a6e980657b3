import { acoContributions, spendByYear, type AcoContribution } from './claims.ts';
import { overrunAlerts, readmissionAlerts, type Alert } from './alerts.ts';
import { episodes, type Episode } from './episodes.ts';
import type { BeneficiaryFacts, Reference } from './facts.ts';
import { readmissions } from './stays.ts';

export interface ReadmissionSummary {
  indexEncounterId: string;
  readmissionEncounterId: string;
  daysToReadmit: number;
  planned: boolean;
}

/** Everything the product knows about one beneficiary, as a pure function of its facts. */
export interface Derived {
  acos: Record<string, AcoContribution>;
  spendByYear: Record<string, number>;
  readmissions: ReadmissionSummary[];
  episodes: Episode[];
  alerts: Record<string, Alert>;
}

export function emptyDerived(): Derived {
  return { acos: {}, spendByYear: {}, readmissions: [], episodes: [], alerts: {} };
}

export function derive(mbi: string, facts: BeneficiaryFacts, reference: Reference): Derived {
  const stayPairs = readmissions(facts);
  const eps = episodes(mbi, facts, reference);
  const alerts: Record<string, Alert> = {};
  for (const alert of [...readmissionAlerts(mbi, facts, stayPairs, eps), ...overrunAlerts(mbi, facts, eps, reference)]) {
    alerts[alert.alertId] = alert;
  }
  return {
    acos: acoContributions(facts),
    spendByYear: spendByYear(facts),
    readmissions: stayPairs.map(({ indexEncounterId, readmissionEncounterId, daysToReadmit, planned }) => ({
      indexEncounterId, readmissionEncounterId, daysToReadmit, planned,
    })),
    episodes: eps,
    alerts,
  };
}
