import { emptyFacts, type AdmissionFact, type BeneficiaryFacts, type ClaimFact, type DischargeFact } from '../../shared/domain/facts.ts';

/** Small builders for facts in unit tests; every field not given takes a plain default. */
export function claim(p: Partial<ClaimFact> & { claimId: string }): ClaimFact {
  return {
    claimControlNumber: p.claimId, adjustmentType: 'ORIGINAL', claimType: 'PROFESSIONAL', fromDate: '2026-02-01', thruDate: '2026-02-01',
    admissionDate: null, dischargeDate: null, drg: null, facilityId: null, paidAmountCents: 0, imeAmountCents: 0, dshAmountCents: 0, denied: false, ...p,
  };
}

export function admission(p: Partial<AdmissionFact> & { encounterId: string; admitDate: string }): AdmissionFact {
  return { facilityId: 'F1', encounterClass: 'INPATIENT', admitType: 'EMERGENCY', plannedProcedure: false, receivedAt: null, ...p };
}

export function discharge(p: Partial<DischargeFact> & { encounterId: string; admitDate: string; dischargeDate: string }): DischargeFact {
  return { facilityId: 'F1', disposition: '01', encounterClass: 'INPATIENT', drg: null, receivedAt: null, ...p };
}

export function factsWith(parts: { claims?: ClaimFact[]; admissions?: AdmissionFact[]; discharges?: DischargeFact[] }): BeneficiaryFacts {
  const f = emptyFacts();
  for (const c of parts.claims ?? []) f.claims.set(c.claimId, c);
  for (const a of parts.admissions ?? []) f.admissions.set(a.encounterId, a);
  for (const d of parts.discharges ?? []) f.discharges.set(d.encounterId, d);
  return f;
}
