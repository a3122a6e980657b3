import { isClaimField } from './layout.ts';
import { ADJUSTMENT_TYPES, CLAIM_TYPES, type ClaimFact } from '../domain/facts.ts';
import { dateOfDay, heldDays, isIsoDate, toDays } from '../domain/dates.ts';

/**
 * How facts are stored in a beneficiary's facts hash. Claim records, the bulk of every
 * beneficiary's facts and of Redis's memory, are stored as a JSON array in a fixed order, without
 * field names and without the claim id (the hash field holds it), in one of two forms:
 * - compact (this version): the adjustment and claim types as their index in the domain's lists,
 *   dates as days since 1970-01-01, and 0 for what is absent (a date, DRG, facility, codes):
 *   `[adj, type, ccn, from, thru, admission, discharge, drg, facility, paid, ime, dsh, denied, effective, codes]`,
 *   about 55 bytes less per record than the form before it;
 * - named (earlier versions, and any record the compact form cannot hold exactly: a type outside
 *   the lists, a date before 1970-01-02): `[ccn, adjustmentType, claimType, fromDate, ...]` with
 *   ISO dates and nulls.
 * The first element tells them apart: a number in the compact form, the claim control number (a
 * string) in the named one. Other facts are JSON objects; claims stored as objects by the earliest
 * versions are read as they are.
 */
const NO_CODES: readonly string[] = Object.freeze([]);
const ADJUSTMENT_INDEX = new Map<string, number>(ADJUSTMENT_TYPES.map((t, i) => [t, i]));
const CLAIM_TYPE_INDEX = new Map<string, number>(CLAIM_TYPES.map((t, i) => [t, i]));

/** A date as its day number, 0 for none, or -1 when the compact form cannot hold it. */
function day(date: string | null): number {
  if (date === null) return 0;
  const days = heldDays(date) ?? (isIsoDate(date) ? toDays(date) : 0);
  return days >= 1 ? days : -1;
}

export function encodeFact(field: string, fact: unknown): string {
  if (!isClaimField(field)) return JSON.stringify(fact);
  const c = fact as ClaimFact;
  const adjustment = ADJUSTMENT_INDEX.get(c.adjustmentType);
  const type = CLAIM_TYPE_INDEX.get(c.claimType);
  const dates = [day(c.fromDate), day(c.thruDate), day(c.admissionDate), day(c.dischargeDate), day(c.effectiveDate)];
  if (adjustment !== undefined && type !== undefined && !dates.includes(-1)) {
    return JSON.stringify([
      adjustment,
      type,
      c.claimControlNumber,
      dates[0],
      dates[1],
      dates[2],
      dates[3],
      c.drg ?? 0,
      c.facilityId ?? 0,
      c.paidAmountCents,
      c.imeAmountCents,
      c.dshAmountCents,
      c.denied ? 1 : 0,
      dates[4],
      c.hcpcsCodes.length === 0 ? 0 : c.hcpcsCodes,
    ]);
  }
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

const dateOf = (days: number): string | null => (days === 0 ? null : dateOfDay(days));

export function decodeFact(field: string, json: string): unknown {
  const value = JSON.parse(json) as unknown;
  if (!Array.isArray(value)) return value;
  if (typeof value[0] === 'number') {
    const v = value as [
      number,
      number,
      string,
      number,
      number,
      number,
      number,
      string | 0,
      string | 0,
      number,
      number,
      number,
      number,
      number,
      string[] | 0,
    ];
    const claim: ClaimFact = {
      claimId: field.slice(2),
      claimControlNumber: v[2],
      adjustmentType: ADJUSTMENT_TYPES[v[0]]!,
      claimType: CLAIM_TYPES[v[1]]!,
      fromDate: dateOfDay(v[3]),
      thruDate: dateOfDay(v[4]),
      admissionDate: dateOf(v[5]),
      dischargeDate: dateOf(v[6]),
      drg: v[7] === 0 ? null : v[7],
      facilityId: v[8] === 0 ? null : v[8],
      paidAmountCents: v[9],
      imeAmountCents: v[10],
      dshAmountCents: v[11],
      denied: v[12] === 1,
      effectiveDate: dateOf(v[13]),
      hcpcsCodes: v[14] ? v[14] : NO_CODES,
    };
    return claim;
  }
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
