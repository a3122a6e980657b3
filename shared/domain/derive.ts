import { acoContributions, spendByYear, type AcoContribution } from './claims.ts';
import { followUpAlerts, overrunAlerts, readmissionAlerts, type Alert } from './alerts.ts';
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

/**
 * The part of a derived state stored with the beneficiary (field `d` of its state hash): what
 * depends on more than the facts (episode targets come from prices) or is read by the export. ACO
 * contributions and spend by year are functions of the facts alone: derived again when a state is
 * read (restoreDerived), so a claim record added to totals rewrites no snapshot.
 */
export function snapshotJson(derived: Derived): string {
  return JSON.stringify({ readmissions: derived.readmissions, episodes: derived.episodes, alerts: derived.alerts });
}

/** A stored state's derived part: its snapshot (none stored: nothing in it) and the totals of its facts. */
export function restoreDerived(snapshot: string, facts: BeneficiaryFacts): Derived {
  const stored = (snapshot ? JSON.parse(snapshot) : {}) as Partial<Derived>;
  return {
    acos: acoContributions(facts),
    spendByYear: spendByYear(facts),
    readmissions: stored.readmissions ?? [],
    episodes: stored.episodes ?? [],
    alerts: stored.alerts ?? {},
  };
}

export function derive(mbi: string, facts: BeneficiaryFacts, reference: Reference): Derived {
  const stayPairs = readmissions(facts);
  const eps = episodes(mbi, facts, reference);
  const alerts: Record<string, Alert> = {};
  for (const alert of [
    ...readmissionAlerts(mbi, facts, stayPairs, eps),
    ...overrunAlerts(mbi, facts, eps, reference),
    ...followUpAlerts(mbi, facts),
  ]) {
    alerts[alert.alertId] = alert;
  }
  return {
    acos: acoContributions(facts),
    spendByYear: spendByYear(facts),
    readmissions: stayPairs.map(({ indexEncounterId, readmissionEncounterId, daysToReadmit, planned }) => ({
      indexEncounterId,
      readmissionEncounterId,
      daysToReadmit,
      planned,
    })),
    episodes: eps,
    alerts,
  };
}
