/** A reconciliation as finance reads it: an episode's amount, a TEAM hospital's year, or an ACO's MSSP year. */
export interface ReconciliationRecord {
  eventId: string;
  /** EPISODE: one episode; MSSP: an ACO's year; TEAM: a TEAM hospital's performance year (subject FACILITY:YEAR). */
  kind: 'EPISODE' | 'MSSP' | 'TEAM';
  /** The episode model (EPISODE and TEAM), null for MSSP. */
  program?: 'BPCI_A' | 'TEAM' | null;
  subjectId: string;
  amountCents: number;
  final: boolean;
  asOf: string;
  direction: 'PAYMENT' | 'REPAYMENT' | 'NONE';
  working: Record<string, string>;
}

export const directionOf = (cents: number): ReconciliationRecord['direction'] =>
  cents > 0 ? 'PAYMENT' : cents < 0 ? 'REPAYMENT' : 'NONE';
