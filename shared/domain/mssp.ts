import { clamp, roundHalfAwayFromZero } from './money.ts';

/** MSSP shared savings and losses for one ACO and performance year (contract 1.6, 42 CFR 425.604/605/610). */
export const TRACKS = ['BASIC_A', 'BASIC_B', 'BASIC_C', 'BASIC_D', 'BASIC_E', 'ENHANCED'] as const;
export type Track = (typeof TRACKS)[number];
export const QUALITY_GATES = ['MET', 'ALTERNATIVE', 'NOT_MET'] as const;
export type QualityGate = (typeof QUALITY_GATES)[number];

export interface AcoContract {
  acoId: string;
  performanceYear: number;
  track: Track;
  benchmarkPerCapitaCents: number;
  assignedBeneficiaries: number;
  msrMlr: string;
  qualityGate: QualityGate;
  qualityScore: number;
  participantRevenueCents: number | null;
}

/** Variable MSR bands by assigned beneficiaries: [bandMin, bandMax, msr at min, msr at max] in percent. */
const MSR_BANDS: [number, number, number, number][] = [
  [5000, 5999, 3.9, 3.6],
  [6000, 6999, 3.6, 3.4],
  [7000, 7999, 3.4, 3.2],
  [8000, 8999, 3.2, 3.1],
  [9000, 9999, 3.1, 3.0],
  [10000, 14999, 3.0, 2.7],
  [15000, 19999, 2.7, 2.5],
  [20000, 49999, 2.5, 2.2],
  [50000, 59999, 2.2, 2.0],
];
export const FIXED_ELECTIONS = ['0', '0.5', '1.0', '1.5', '2.0'];

/** Minimum savings rate in percent. */
export function variableMsrPercent(n: number): number {
  if (n < 5000) return 3.9;
  for (const [min, max, lo, hi] of MSR_BANDS) {
    if (n >= min && n <= max) return lo + ((hi - lo) * (n - min)) / (max - min);
  }
  return 2.0;
}

export function msrPercent(contract: AcoContract): number {
  return contract.msrMlr === 'VARIABLE' ? variableMsrPercent(contract.assignedBeneficiaries) : Number(contract.msrMlr);
}

const BASE_SHARING: Record<Track, number> = {
  BASIC_A: 0.4,
  BASIC_B: 0.4,
  BASIC_C: 0.5,
  BASIC_D: 0.5,
  BASIC_E: 0.5,
  ENHANCED: 0.75,
};
const TWO_SIDED: ReadonlySet<Track> = new Set(['BASIC_C', 'BASIC_D', 'BASIC_E', 'ENHANCED']);

function qualityFactor(contract: AcoContract): number {
  if (contract.qualityGate === 'MET') return 1;
  if (contract.qualityGate === 'ALTERNATIVE') return contract.qualityScore / 100;
  return 0;
}

export interface MsspResult {
  benchmarkTotalCents: number;
  expenditureCents: number;
  savingsCents: number;
  savingsRate: number;
  msrPercent: number;
  mlrPercent: number;
  sharingRate: number;
  lossRate: number;
  capOrLimitCents: number | null;
  capOrLimitApplied: boolean;
  amountCents: number;
  outcome: 'SHARED_SAVINGS' | 'SHARED_LOSSES' | 'NONE';
}

export function msspReconciliation(contract: AcoContract, expenditureCents: number): MsspResult {
  const benchmarkTotalCents = contract.benchmarkPerCapitaCents * contract.assignedBeneficiaries;
  const savingsCents = benchmarkTotalCents - expenditureCents;
  const savingsRate = benchmarkTotalCents > 0 ? savingsCents / benchmarkTotalCents : 0;
  const msr = msrPercent(contract);
  const mlr = msr;
  const sharingRate = BASE_SHARING[contract.track] * qualityFactor(contract);
  const lossRate = lossRateFor(contract);
  const base = {
    benchmarkTotalCents,
    expenditureCents,
    savingsCents,
    savingsRate,
    msrPercent: msr,
    mlrPercent: mlr,
    sharingRate,
    lossRate,
  };

  // Compare rates in percent with a tolerance of a millionth of a percent against float noise.
  if (savingsCents > 0 && savingsRate * 100 >= msr - 1e-9) {
    const cap = benchmarkTotalCents * (contract.track === 'ENHANCED' ? 0.2 : 0.1);
    const raw = sharingRate * savingsCents;
    return {
      ...base,
      capOrLimitCents: roundHalfAwayFromZero(cap),
      capOrLimitApplied: raw > cap,
      amountCents: roundHalfAwayFromZero(Math.min(raw, cap)),
      outcome: raw > 0 ? 'SHARED_SAVINGS' : 'NONE',
    };
  }
  if (savingsCents < 0 && TWO_SIDED.has(contract.track) && -savingsRate * 100 >= mlr - 1e-9) {
    const limit = lossLimitCents(contract, benchmarkTotalCents);
    const raw = lossRate * -savingsCents;
    return {
      ...base,
      capOrLimitCents: roundHalfAwayFromZero(limit),
      capOrLimitApplied: raw > limit,
      amountCents: -roundHalfAwayFromZero(Math.min(raw, limit)),
      outcome: 'SHARED_LOSSES',
    };
  }
  return { ...base, capOrLimitCents: null, capOrLimitApplied: false, amountCents: 0, outcome: 'NONE' };
}

function lossRateFor(contract: AcoContract): number {
  if (!TWO_SIDED.has(contract.track)) return 0;
  if (contract.track !== 'ENHANCED') return 0.3;
  if (contract.qualityGate === 'NOT_MET') return 0.75;
  return clamp(1 - 0.75 * (contract.qualityScore / 100), 0.4, 0.75);
}

function lossLimitCents(contract: AcoContract, benchmarkTotalCents: number): number {
  const revenue = contract.participantRevenueCents;
  const both = (revenueShare: number, benchmarkShare: number) =>
    revenue === null
      ? benchmarkTotalCents * benchmarkShare
      : Math.min(revenue * revenueShare, benchmarkTotalCents * benchmarkShare);
  switch (contract.track) {
    case 'BASIC_C':
      return both(0.02, 0.01);
    case 'BASIC_D':
      return both(0.04, 0.02);
    case 'BASIC_E':
      return both(0.08, 0.04);
    default:
      return benchmarkTotalCents * 0.15;
  }
}
