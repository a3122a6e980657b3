/**
 * Facts: the input records as stored per beneficiary, keyed by their own ids. Storing a fact again
 * is a no-op (idempotence); everything else is derived from the set of facts (order independence).
 */
/** The contract's enumerations (section 2), each declared once: the list validation checks against, and its type. */
export const ADJUSTMENT_TYPES = ['ORIGINAL', 'CANCELLATION', 'ADJUSTMENT'] as const;
export type AdjustmentType = (typeof ADJUSTMENT_TYPES)[number];
export const CLAIM_TYPES = ['INPATIENT', 'OUTPATIENT', 'SNF', 'HHA', 'HOSPICE', 'PROFESSIONAL', 'DME'] as const;
export type ClaimType = (typeof CLAIM_TYPES)[number];
export const ENCOUNTER_CLASSES = ['INPATIENT', 'OBSERVATION', 'EMERGENCY'] as const;
export type EncounterClass = (typeof ENCOUNTER_CLASSES)[number];
export const ADMIT_TYPES = ['EMERGENCY', 'URGENT', 'ELECTIVE'] as const;
export type AdmitType = (typeof ADMIT_TYPES)[number];

/** Signed changes to one (ACO, year) total; `beneficiaries` moves by 1 when this one starts or stops counting. */
export interface AcoDelta {
  expenditureCents: number;
  claimRecords: number;
  beneficiaries: number;
  byClaimType: Record<string, number>;
  byServiceMonth: Record<string, number>;
}

/** One beneficiary's contribution to one (ACO, performance year) total. */
export interface AcoContribution {
  expenditureCents: number;
  claimRecords: number;
  byClaimType: Record<string, number>;
  byServiceMonth: Record<string, number>;
}

export interface ClaimFact {
  claimId: string;
  claimControlNumber: string;
  adjustmentType: AdjustmentType;
  claimType: ClaimType;
  fromDate: string;
  thruDate: string;
  admissionDate: string | null;
  dischargeDate: string | null;
  drg: string | null;
  facilityId: string | null;
  paidAmountCents: number;
  imeAmountCents: number;
  dshAmountCents: number;
  denied: boolean;
  /** When this version took effect (claim versions, contract 1.4); null sorts oldest. */
  effectiveDate: string | null;
  /** HCPCS/CPT codes of the claim's lines (TEAM outpatient anchors, TCM visits); shared empty list when none. */
  hcpcsCodes: readonly string[];
}

/**
 * ADT records of one encounter on one topic replace each other: the one with the later offset on
 * the beneficiary's partition (`seq`, zero-padded) is in force, whatever order they are applied in.
 */
interface AdtRecord {
  encounterId: string;
  facilityId: string;
  receivedAt: string | null;
  seq: string;
}

/** A cancel (HL7 A11, A13): the topic has no record for the encounter. Its other fields do not matter. */
export interface CancelledAdt extends AdtRecord {
  cancelled: true;
}

export interface AdmissionRecord extends AdtRecord {
  cancelled: false;
  admitDate: string;
  encounterClass: EncounterClass;
  admitType: AdmitType;
  plannedProcedure: boolean;
}

export interface DischargeRecord extends AdtRecord {
  cancelled: false;
  admitDate: string;
  dischargeDate: string;
  disposition: string;
  /** The class the encounter was discharged with; null when the record carries none. */
  encounterClass: EncounterClass | null;
  drg: string | null;
}

export type AdmissionFact = AdmissionRecord | CancelledAdt;
export type DischargeFact = DischargeRecord | CancelledAdt;

export interface AttributionFact {
  /** Arrival order on the beneficiary's partition of the attribution topic (zero-padded offset). */
  seq: string;
  acoId: string;
  effectiveFrom: string;
  effectiveTo: string | null;
}

/** An episode closed by reconciliation, with the figures its reconciliation event carried. */
export interface EpisodeClosureFact {
  episodeId: string;
  asOf: string;
  spendCents: number;
  targetPriceCents: number;
  npraCents: number;
}

/**
 * What a beneficiary's claims of one closed performance year contributed, kept in place of those
 * claim records once the year's run-out has passed in event time (see expiry.ts): totals stay
 * exact while the records themselves no longer take memory.
 */
export interface YearSummaryFact {
  year: number;
  /** Contributions by `ACO|year`, as acoContributions computed them from the records replaced. */
  acos: Record<string, AcoContribution>;
  /** Signed spend of the records replaced, attributed or not. */
  spendCents: number;
  /** How many claim records it replaced. */
  claimRecords: number;
}

/**
 * A beneficiary's facts by section, each keyed by the record's own id. Maps, not objects: the keys
 * are ids (claim ids, encounter ids), unique across the whole feed, and objects keyed by them cost
 * V8 a new hidden class per id on the hot path.
 */
export interface BeneficiaryFacts {
  claims: Map<string, ClaimFact>;
  admissions: Map<string, AdmissionFact>;
  discharges: Map<string, DischargeFact>;
  attributions: Map<string, AttributionFact>;
  closures: Map<string, EpisodeClosureFact>;
  summaries: Map<string, YearSummaryFact>;
}

export function emptyFacts(): BeneficiaryFacts {
  return {
    claims: new Map(),
    admissions: new Map(),
    discharges: new Map(),
    attributions: new Map(),
    closures: new Map(),
    summaries: new Map(),
  };
}

/** Reference data shared by all beneficiaries. */
export interface Reference {
  /** Target price by `PROGRAM|CATEGORY|facilityId` or `PROGRAM|CATEGORY|*` (priceKey). */
  prices: Record<string, number>;
  overrunThresholds: number[];
}

export const priceKey = (program: string, category: string, facilityId: string) =>
  `${program}|${category}|${facilityId}`;
