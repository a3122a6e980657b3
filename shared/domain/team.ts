import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { clamp, roundHalfAwayFromZero } from './money.ts';
import { programDefinition, type TrackLimits } from './programs.ts';

/**
 * TEAM's hospital-level reconciliation for a performance year (42 CFR 512.550), the product's
 * addition to the contract's per-episode amounts: the sum of the hospital's reconciliation target
 * prices minus the sum of its episode spending, reduced by the composite quality score (CQS)
 * adjustment, then held within the track's stop-gain and stop-loss limits (shares of the summed
 * target prices). Tracks and limits are reference data (reference/team-episodes.json,
 * reference/team-hospitals.json).
 */
export interface TeamHospital {
  facilityId: string;
  performanceYear: number;
  track: 1 | 2 | 3;
  /** Percent by which a positive reconciliation amount is reduced for quality (at most the track's maximum). */
  qualityReductionPercentPositive?: number;
  /** Percent by which a negative reconciliation amount (a repayment) is reduced for quality. */
  qualityReductionPercentNegative?: number;
}

export interface TeamEpisodeFigures {
  targetPriceCents: number;
  spendCents: number;
}

export interface TeamHospitalResult {
  track: number;
  episodes: number;
  targetTotalCents: number;
  spendTotalCents: number;
  /** Target total - spend total, before quality and limits. */
  reconciliationAmountCents: number;
  qualityReductionPercent: number;
  qualityAdjustedCents: number;
  stopGainCents: number;
  stopLossCents: number;
  limitApplied: boolean;
  /** Positive: paid to the hospital; negative: owed to CMS. */
  amountCents: number;
}

interface HospitalsFile {
  defaultTrack: 1 | 2 | 3;
  hospitals: TeamHospital[];
}

const HOSPITALS: HospitalsFile = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../reference/team-hospitals.json', import.meta.url)), 'utf8'),
) as HospitalsFile;

/** A hospital's TEAM terms for a year: its listed track, else the default (Track 1, 42 CFR 512.520(a)(3)). */
export function teamHospital(
  facilityId: string,
  performanceYear: number,
  file: HospitalsFile = HOSPITALS,
): TeamHospital {
  return (
    file.hospitals.find((h) => h.facilityId === facilityId && h.performanceYear === performanceYear) ?? {
      facilityId,
      performanceYear,
      track: file.defaultTrack,
    }
  );
}

export function trackLimits(track: number): TrackLimits {
  const limits = programDefinition('TEAM').hospitalReconciliation?.tracks[String(track)];
  if (!limits) throw new Error(`reference/team-episodes.json has no limits for TEAM Track ${track}`);
  return limits;
}

export function teamHospitalReconciliation(
  hospital: TeamHospital,
  episodes: TeamEpisodeFigures[],
  limits: TrackLimits = trackLimits(hospital.track),
): TeamHospitalResult {
  let targetTotalCents = 0;
  let spendTotalCents = 0;
  for (const e of episodes) {
    targetTotalCents += e.targetPriceCents;
    spendTotalCents += e.spendCents;
  }
  const raw = targetTotalCents - spendTotalCents;
  const qualityReductionPercent =
    raw >= 0
      ? Math.min(hospital.qualityReductionPercentPositive ?? 0, limits.maxQualityReductionPositive * 100)
      : Math.min(hospital.qualityReductionPercentNegative ?? 0, limits.maxQualityReductionNegative * 100);
  const qualityAdjustedCents = roundHalfAwayFromZero((raw * (100 - qualityReductionPercent)) / 100);
  const stopGainCents = roundHalfAwayFromZero(targetTotalCents * limits.stopGainShare);
  const stopLossCents = roundHalfAwayFromZero(targetTotalCents * limits.stopLossShare);
  const amountCents = clamp(qualityAdjustedCents, -stopLossCents, stopGainCents) || 0;
  return {
    track: hospital.track,
    episodes: episodes.length,
    targetTotalCents,
    spendTotalCents,
    reconciliationAmountCents: raw,
    qualityReductionPercent,
    qualityAdjustedCents,
    stopGainCents,
    stopLossCents,
    limitApplied: amountCents !== qualityAdjustedCents,
    amountCents,
  };
}
