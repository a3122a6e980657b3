import {
  emptyFacts,
  type AdmissionFact,
  type AdmissionRecord,
  type BeneficiaryFacts,
  type CancelledAdt,
  type ClaimFact,
  type DischargeFact,
  type DischargeRecord,
} from '../../shared/domain/facts.ts';

/** Small builders for facts in unit tests; every field not given takes a plain default. */
export function claim(p: Partial<ClaimFact> & { claimId: string }): ClaimFact {
  return {
    claimControlNumber: p.claimId,
    adjustmentType: 'ORIGINAL',
    claimType: 'PROFESSIONAL',
    fromDate: '2026-02-01',
    thruDate: '2026-02-01',
    admissionDate: null,
    dischargeDate: null,
    drg: null,
    facilityId: null,
    paidAmountCents: 0,
    imeAmountCents: 0,
    dshAmountCents: 0,
    denied: false,
    effectiveDate: null,
    hcpcsCodes: [],
    ...p,
  };
}

export function admission(p: Partial<AdmissionRecord> & { encounterId: string; admitDate: string }): AdmissionRecord {
  return {
    cancelled: false,
    seq: '',
    facilityId: 'F1',
    encounterClass: 'INPATIENT',
    admitType: 'EMERGENCY',
    plannedProcedure: false,
    receivedAt: null,
    ...p,
  };
}

/** A discharge record; its class defaults to none carried (the admission's then applies, else INPATIENT). */
export function discharge(
  p: Partial<DischargeRecord> & { encounterId: string; admitDate: string; dischargeDate: string },
): DischargeRecord {
  return {
    cancelled: false,
    seq: '',
    facilityId: 'F1',
    disposition: '01',
    encounterClass: null,
    drg: null,
    receivedAt: null,
    ...p,
  };
}

/** A cancel of an admission (A11) or a discharge (A13). */
export function cancelled(encounterId: string, facilityId = 'F1'): CancelledAdt {
  return { cancelled: true, encounterId, facilityId, seq: '', receivedAt: null };
}

export function factsWith(parts: {
  claims?: ClaimFact[];
  admissions?: AdmissionFact[];
  discharges?: DischargeFact[];
}): BeneficiaryFacts {
  const f = emptyFacts();
  for (const c of parts.claims ?? []) f.claims.set(c.claimId, c);
  for (const a of parts.admissions ?? []) f.admissions.set(a.encounterId, a);
  for (const d of parts.discharges ?? []) f.discharges.set(d.encounterId, d);
  return f;
}
