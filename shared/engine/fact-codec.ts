import { isClaimField } from './layout.ts';
import type { ClaimFact } from '../domain/facts.ts';

/**
 * How facts are stored in a beneficiary's facts hash. Claim records, the bulk of every
 * beneficiary's facts, are stored as a JSON array in a fixed order, without field names and
 * without the claim id (the hash field holds it; codes as 0 when there are none): about a third of the size of the JSON
 * object,
 * which is memory per claim in Redis and bytes per commit on the wire. Other facts are JSON
 * objects. Claims stored as objects (by earlier versions) are read as they are.
 */
const NO_CODES: readonly string[] = Object.freeze([]);

export function encodeFact(field: string, fact: unknown): string {
  if (!isClaimField(field)) return JSON.stringify(fact);
  const c = fact as ClaimFact;
  return JSON.stringify([
    c.claimControlNumber,
    c.adjustmentType,
    c.claimType,
    c.fromDate,
    c.thruDate,
    c.admissionDate,
    c.dischargeDate,
    c.drg,
    c.facilityId,
    c.paidAmountCents,
    c.imeAmountCents,
    c.dshAmountCents,
    c.denied ? 1 : 0,
    c.effectiveDate,
    c.hcpcsCodes.length === 0 ? 0 : c.hcpcsCodes,
  ]);
}

export function decodeFact(field: string, json: string): unknown {
  const value = JSON.parse(json) as unknown;
  if (!Array.isArray(value)) return value;
  const v = value as [
    string,
    ClaimFact['adjustmentType'],
    ClaimFact['claimType'],
    string,
    string,
    string | null,
    string | null,
    string | null,
    string | null,
    number,
    number,
    number,
    number,
    (string | null)?,
    (string[] | 0)?,
  ];
  const claim: ClaimFact = {
    claimId: field.slice(2),
    claimControlNumber: v[0],
    adjustmentType: v[1],
    claimType: v[2],
    fromDate: v[3],
    thruDate: v[4],
    admissionDate: v[5],
    dischargeDate: v[6],
    drg: v[7],
    facilityId: v[8],
    paidAmountCents: v[9],
    imeAmountCents: v[10],
    dshAmountCents: v[11],
    denied: v[12] === 1,
    // Written by earlier versions without these two: no effective date, no codes.
    effectiveDate: v[13] ?? null,
    hcpcsCodes: v[14] ? v[14] : NO_CODES,
  };
  return claim;
}
