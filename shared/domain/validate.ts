import { ErrorCode } from '../errors/app-error.ts';
import { addDays, heldDate, isIsoDate, sharedDate } from './dates.ts';
import {
  ADJUSTMENT_TYPES,
  ADMIT_TYPES,
  CLAIM_TYPES,
  ENCOUNTER_CLASSES,
  priceKey,
  type AdmissionFact,
  type AttributionFact,
  type CancelledAdt,
  type ClaimFact,
  type DischargeFact,
  type DischargeRecord,
  type EncounterClass,
} from './facts.ts';
import { PROGRAMS, programCategories, type Program } from './programs.ts';
import { FIXED_ELECTIONS, QUALITY_GATES, TRACKS, type AcoContract } from './mssp.ts';

/**
 * Turns one decoded input record into a fact, or says why it is bad (the reason goes into the
 * dead-letter headers). The same checks run in `vbc replay` before publishing and in the services
 * after decoding, so a producer that bypasses the CLI is held to the same rules.
 */
export type FactOf =
  | { kind: 'claim'; mbi: string; section: 'claims'; id: string; fact: ClaimFact }
  | { kind: 'admission'; mbi: string; section: 'admissions'; id: string; fact: AdmissionFact }
  | { kind: 'discharge'; mbi: string; section: 'discharges'; id: string; fact: DischargeFact }
  | { kind: 'attribution'; mbi: string; section: 'attributions'; id: string; fact: AttributionFact }
  | { kind: 'contract'; contract: AcoContract }
  | { kind: 'price'; key: string; targetPriceCents: number };

/** Why a record is bad, as its dead-letter code. */
export type InvalidCode = typeof ErrorCode.RECORD_INVALID | typeof ErrorCode.DATE_IMPLAUSIBLE;

export type Validation = { ok: true; value: FactOf } | { ok: false; reason: string; code: InvalidCode };

/**
 * What a record is checked with besides its value: its arrival position and time, and the latest plausible service
 * date.
 */
export interface RecordMeta {
  seq?: string;
  receivedAt?: string | null;
  /**
   * The latest service date a claim or ADT record may carry: the day it was published plus
   * VBC_MAX_DAYS_AHEAD (plausibleThrough); absent, no upper bound.
   */
  latestPlausible?: string;
}

/**
 * Medicare's first day of benefits: no claim or stay of it can be dated earlier (1965's Social Security Amendments).
 */
export const EARLIEST_PLAUSIBLE = '1966-07-01';

/** The latest plausible service date for a record published on a day (ISO), or undefined when there is no bound. */
export function plausibleThrough(publishedOn: string, maxDaysAhead: number | null): string | undefined {
  return maxDaysAhead === null ? undefined : addDays(publishedOn, maxDaysAhead);
}

type Rec = Record<string, unknown>;

/** NUBC patient discharge status codes accepted from ADT feeds. */
const DISPOSITIONS = new Set([
  '01',
  '02',
  '03',
  '04',
  '05',
  '06',
  '07',
  '09',
  '20',
  '21',
  '30',
  '40',
  '41',
  '42',
  '43',
  '50',
  '51',
  '61',
  '62',
  '63',
  '64',
  '65',
  '66',
  '69',
  '70',
  '81',
  '82',
  '83',
  '84',
  '85',
  '86',
  '87',
  '88',
  '89',
  '90',
  '91',
  '92',
  '93',
  '94',
  '95',
]);

/**
 * Why a record is bad, thrown from deep in the checks and caught in validateRecord. Not an Error:
 * nothing reads its stack, and capturing one per bad record made a file of bad records slow.
 */
class Bad {
  constructor(
    readonly message: string,
    readonly code: InvalidCode = ErrorCode.RECORD_INVALID,
  ) {}
}

/**
 * A service date far from when the record was published is a typo (2062 for 2026, 9999, 0001),
 * not care given: dead-lettered as DATE_IMPLAUSIBLE rather than counted in a year no one
 * reconciles. Checked on claims' and ADT records' own dates.
 */
function plausible(name: string, value: string | null, meta: RecordMeta): void {
  if (value === null) return;
  if (value < EARLIEST_PLAUSIBLE)
    throw new Bad(
      `${name} ${value} is before Medicare began (${EARLIEST_PLAUSIBLE}): taken for a mistyped date`,
      ErrorCode.DATE_IMPLAUSIBLE,
    );
  if (meta.latestPlausible !== undefined && value > meta.latestPlausible) {
    throw new Bad(
      `${name} ${value} is after ${meta.latestPlausible}, too far past when the record was published (VBC_MAX_DAYS_AHEAD): taken for a mistyped date`,
      ErrorCode.DATE_IMPLAUSIBLE,
    );
  }
}

/**
 * Whether a text holds a control character, and whether it holds anything but white space. No text
 * field may hold a control character (below 32, or 127): none is meaningful, and ids with one could
 * not be stored safely. One pass over the characters: these run for every text field of every record.
 */
function scan(x: string): 'control' | 'blank' | 'ok' {
  let control = false;
  let blank = true;
  for (let i = 0; i < x.length; i++) {
    const c = x.charCodeAt(i);
    if (c < 32 || c === 127) control = true;
    // White space as String.prototype.trim sees it: tab to carriage return, space, and Unicode's.
    if (blank && c !== 32 && !(c >= 9 && c <= 13) && !(c > 127 && x.charAt(i).trim() === '')) blank = false;
  }
  return blank ? 'blank' : control ? 'control' : 'ok';
}

function str(v: Rec, name: string): string {
  const x = v[name];
  if (typeof x !== 'string') throw new Bad(`missing ${name}`);
  const found = scan(x);
  if (found === 'blank') throw new Bad(`missing ${name}`);
  if (found === 'control') throw new Bad(`${name} holds a control character`);
  return x;
}
function optStr(v: Rec, name: string): string | null {
  const x = v[name];
  if (x === null || x === undefined || x === '') return null;
  if (typeof x !== 'string') throw new Bad(`${name} must be a string`);
  if (scan(x) === 'control') throw new Bad(`${name} holds a control character`);
  return x;
}
/**
 * A field's text when it is a date found valid before (dates.ts heldDate), which needs no other
 * check: it holds no control character and is not blank. Most of a record's dates are.
 */
function seenDate(v: Rec, name: string): string | undefined {
  const x = v[name];
  return typeof x === 'string' ? heldDate(x) : undefined;
}
function date(v: Rec, name: string): string {
  const seen = seenDate(v, name);
  if (seen !== undefined) return seen;
  const x = str(v, name);
  if (!isIsoDate(x)) throw new Bad(`${name} '${x}' is not an ISO date YYYY-MM-DD`);
  return sharedDate(x);
}
function optDate(v: Rec, name: string): string | null {
  const seen = seenDate(v, name);
  if (seen !== undefined) return seen;
  const x = optStr(v, name);
  if (x === null) return null;
  if (!isIsoDate(x)) throw new Bad(`${name} '${x}' is not an ISO date YYYY-MM-DD`);
  return sharedDate(x);
}
/** No codes: one shared empty list (most claims carry none, and held records keep it). */
const NO_CODES: readonly string[] = Object.freeze([]);

/** HCPCS/CPT codes: a list of non-blank strings without control characters, or absent. */
function codes(v: Rec, name: string): readonly string[] {
  const x = v[name];
  if (x === null || x === undefined) return NO_CODES;
  if (!Array.isArray(x)) throw new Bad(`${name} must be a list of codes`);
  if (x.length === 0) return NO_CODES;
  const out: string[] = [];
  for (const c of x) {
    if (typeof c !== 'string' || scan(c) !== 'ok') throw new Bad(`${name} must be a list of non-blank codes`);
    out.push(c.trim().toUpperCase());
  }
  return out;
}

function optBool(v: Rec, name: string): boolean {
  const x = v[name];
  if (x === null || x === undefined) return false;
  if (typeof x !== 'boolean') throw new Bad(`${name} must be a boolean`);
  return x;
}

/** A cancel (contract 5.1: HL7 A11, A13) needs only the encounter, the beneficiary and the facility. */
function cancelledAdt(v: Rec, meta: RecordMeta): CancelledAdt {
  return {
    encounterId: str(v, 'encounterId'),
    facilityId: str(v, 'facilityId'),
    cancelled: true,
    seq: meta.seq ?? '',
    receivedAt: meta.receivedAt ?? optStr(v, 'eventTime'),
  };
}

function cents(v: Rec, name: string, required: boolean): number {
  const x = v[name];
  if (x === null || x === undefined) {
    if (required) throw new Bad(`missing ${name}`);
    return 0;
  }
  if (typeof x !== 'number' || !Number.isSafeInteger(x)) throw new Bad(`${name} must be whole cents`);
  if (x < 0) throw new Bad(`${name} must not be negative`);
  return x;
}
function oneOf<T extends string>(v: Rec, name: string, allowed: readonly string[], fallback?: T): T {
  const x = v[name];
  if ((x === null || x === undefined) && fallback !== undefined) return fallback;
  const i = typeof x === 'string' ? allowed.indexOf(x) : -1;
  if (i < 0) throw new Bad(`${name} '${String(x)}' is not one of ${allowed.join(', ')}`);
  // The list's own string, not the decoded copy: every held record shares it, and as a property
  // key it is found without hashing a fresh string (totals by claim type, incremental-derivation.ts).
  return allowed[i] as T;
}

export function validateRecord(topic: string, value: unknown, meta: RecordMeta = {}): Validation {
  try {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Bad('value is not an object');
    return { ok: true, value: toFact(topic, value as Rec, meta) };
  } catch (error) {
    if (error instanceof Bad) return { ok: false, reason: error.message, code: error.code };
    throw error;
  }
}

function toFact(topic: string, v: Rec, meta: RecordMeta): FactOf {
  switch (topic) {
    case 'claims': {
      const fact: ClaimFact = {
        claimId: str(v, 'claimId'),
        claimControlNumber: str(v, 'claimControlNumber'),
        adjustmentType: oneOf(v, 'adjustmentType', ADJUSTMENT_TYPES),
        claimType: oneOf(v, 'claimType', CLAIM_TYPES),
        fromDate: date(v, 'fromDate'),
        thruDate: date(v, 'thruDate'),
        admissionDate: optDate(v, 'admissionDate'),
        dischargeDate: optDate(v, 'dischargeDate'),
        drg: optStr(v, 'drg'),
        facilityId: optStr(v, 'facilityId'),
        paidAmountCents: cents(v, 'paidAmountCents', true),
        imeAmountCents: cents(v, 'imeAmountCents', false),
        dshAmountCents: cents(v, 'dshAmountCents', false),
        denied: optStr(v, 'nonPaymentReasonCode') !== null,
        effectiveDate: optDate(v, 'effectiveDate'),
        hcpcsCodes: codes(v, 'hcpcsCodes'),
      };
      if (fact.thruDate < fact.fromDate) throw new Bad('thruDate is before fromDate');
      plausible('fromDate', fact.fromDate, meta);
      plausible('thruDate', fact.thruDate, meta);
      plausible('admissionDate', fact.admissionDate, meta);
      plausible('dischargeDate', fact.dischargeDate, meta);
      if (fact.admissionDate && fact.dischargeDate && fact.dischargeDate < fact.admissionDate)
        throw new Bad('dischargeDate is before admissionDate');
      return { kind: 'claim', mbi: str(v, 'mbi'), section: 'claims', id: fact.claimId, fact };
    }
    case 'admissions': {
      if (optBool(v, 'cancelled'))
        return {
          kind: 'admission',
          mbi: str(v, 'mbi'),
          section: 'admissions',
          id: str(v, 'encounterId'),
          fact: cancelledAdt(v, meta),
        };
      const fact: AdmissionFact = {
        cancelled: false,
        seq: meta.seq ?? '',
        encounterId: str(v, 'encounterId'),
        facilityId: str(v, 'facilityId'),
        admitDate: date(v, 'admitDate'),
        encounterClass: oneOf(v, 'encounterClass', ENCOUNTER_CLASSES),
        admitType: oneOf(v, 'admitType', ADMIT_TYPES),
        plannedProcedure: optBool(v, 'plannedProcedure'),
        receivedAt: meta.receivedAt ?? optStr(v, 'eventTime'),
      };
      plausible('admitDate', fact.admitDate, meta);
      return { kind: 'admission', mbi: str(v, 'mbi'), section: 'admissions', id: fact.encounterId, fact };
    }
    case 'discharges': {
      if (optBool(v, 'cancelled'))
        return {
          kind: 'discharge',
          mbi: str(v, 'mbi'),
          section: 'discharges',
          id: str(v, 'encounterId'),
          fact: cancelledAdt(v, meta),
        };
      const disposition = str(v, 'disposition');
      if (!DISPOSITIONS.has(disposition))
        throw new Bad(`disposition '${disposition}' is not a known NUBC discharge status code`);
      const fact: DischargeRecord = {
        cancelled: false,
        seq: meta.seq ?? '',
        encounterId: str(v, 'encounterId'),
        facilityId: str(v, 'facilityId'),
        admitDate: date(v, 'admitDate'),
        dischargeDate: date(v, 'dischargeDate'),
        disposition,
        encounterClass:
          v.encounterClass === null || v.encounterClass === undefined
            ? null
            : oneOf<EncounterClass>(v, 'encounterClass', ENCOUNTER_CLASSES),
        drg: optStr(v, 'drg'),
        receivedAt: meta.receivedAt ?? optStr(v, 'eventTime'),
      };
      if (fact.dischargeDate < fact.admitDate) throw new Bad('dischargeDate is before admitDate');
      plausible('admitDate', fact.admitDate, meta);
      plausible('dischargeDate', fact.dischargeDate, meta);
      return { kind: 'discharge', mbi: str(v, 'mbi'), section: 'discharges', id: fact.encounterId, fact };
    }
    case 'attribution': {
      const seq = meta.seq ?? '0';
      const fact: AttributionFact = {
        seq,
        acoId: str(v, 'acoId'),
        effectiveFrom: date(v, 'effectiveFrom'),
        effectiveTo: optDate(v, 'effectiveTo'),
      };
      if (fact.effectiveTo !== null && fact.effectiveTo < fact.effectiveFrom)
        throw new Bad('effectiveTo is before effectiveFrom');
      return { kind: 'attribution', mbi: str(v, 'mbi'), section: 'attributions', id: seq, fact };
    }
    case 'aco-contracts': {
      const msrMlr = String(v.msrMlr ?? '');
      if (msrMlr !== 'VARIABLE' && !FIXED_ELECTIONS.includes(msrMlr))
        throw new Bad(`msrMlr '${msrMlr}' is not VARIABLE or one of ${FIXED_ELECTIONS.join(', ')}`);
      const year = v.performanceYear;
      if (typeof year !== 'number' || !Number.isInteger(year) || year < 2000 || year > 2100)
        throw new Bad('performanceYear must be a year');
      const assigned = v.assignedBeneficiaries;
      if (typeof assigned !== 'number' || !Number.isInteger(assigned) || assigned <= 0)
        throw new Bad('assignedBeneficiaries must be a positive whole number');
      const score = v.qualityScore;
      if (typeof score !== 'number' || score < 0 || score > 100) throw new Bad('qualityScore must be from 0 to 100');
      const revenue =
        v.participantRevenueCents === null || v.participantRevenueCents === undefined
          ? null
          : cents(v, 'participantRevenueCents', true);
      return {
        kind: 'contract',
        contract: {
          acoId: str(v, 'acoId'),
          performanceYear: year,
          track: oneOf(v, 'track', TRACKS),
          benchmarkPerCapitaCents: cents(v, 'benchmarkPerCapitaCents', true),
          assignedBeneficiaries: assigned,
          msrMlr,
          qualityGate: oneOf(v, 'qualityGate', QUALITY_GATES),
          qualityScore: score,
          participantRevenueCents: revenue,
        },
      };
    }
    case 'episode-prices': {
      // A price record without a program is BPCI Advanced's (contract 2).
      const program = oneOf<Program>(v, 'program', PROGRAMS, 'BPCI_A');
      const category = str(v, 'episodeCategory');
      if (!programCategories(program).includes(category)) {
        throw new Bad(
          `episodeCategory '${category}' is not a ${program} category (${programCategories(program).join(', ')}; reference/${program === 'TEAM' ? 'team' : 'bpci'}-episodes.json)`,
        );
      }
      const targetPriceCents = cents(v, 'targetPriceCents', true);
      if (targetPriceCents === 0) throw new Bad('targetPriceCents must be more than 0');
      return { kind: 'price', key: priceKey(program, category, str(v, 'facilityId')), targetPriceCents };
    }
    default:
      throw new Bad(`unknown topic '${topic}'`);
  }
}
