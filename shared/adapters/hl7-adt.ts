import type { AckError } from '../hl7/ack.ts';
import { fieldValue, rawField, repetitions, segment, segments, value, type Hl7Message } from '../hl7/message.ts';
import { parseTimestamp } from '../hl7/timestamp.ts';

/**
 * HL7 v2 ADT messages as the contract's admissions and discharges records (contract section 5.1):
 * which events publish what, and the field mapping. Pure: a parsed message in, records or the
 * reason it cannot be mapped out; the gateway does the I/O and the acknowledgements.
 */

export type AdtTopic = 'admissions' | 'discharges';
export interface AdtRecord {
  topic: AdtTopic;
  value: Record<string, unknown>;
}

export type AdtMapping =
  /** Records to publish (acknowledged AA once they are on Kafka). */
  | { kind: 'records'; event: string; records: AdtRecord[] }
  /** An ADT message this product takes no record from (A02, A28, an outpatient class): AA, nothing published. */
  | { kind: 'ignored'; event: string; why: string }
  /** Well formed but not mappable: AE. */
  | { kind: 'error'; event: string; error: AckError }
  /** Not ADT: AR. */
  | { kind: 'rejected'; event: string; error: AckError };

/** The events that publish records, and what each publishes. */
const EVENTS: Record<string, { admission: boolean; discharge: 'yes' | 'if-discharged' | 'no'; cancelled: boolean }> = {
  A01: { admission: true, discharge: 'no', cancelled: false },
  A04: { admission: true, discharge: 'no', cancelled: false },
  A06: { admission: true, discharge: 'no', cancelled: false },
  A07: { admission: true, discharge: 'no', cancelled: false },
  A08: { admission: true, discharge: 'if-discharged', cancelled: false },
  A03: { admission: false, discharge: 'yes', cancelled: false },
  A11: { admission: true, discharge: 'no', cancelled: true },
  A13: { admission: false, discharge: 'yes', cancelled: true },
};

const CLASSES: Record<string, string> = { I: 'INPATIENT', O: 'OBSERVATION', E: 'EMERGENCY' };
const ADMIT_TYPES: Record<string, string> = {
  E: 'EMERGENCY',
  A: 'EMERGENCY',
  U: 'URGENT',
  C: 'ELECTIVE',
  R: 'ELECTIVE',
};

/** Where each record field comes from, to name the HL7 field when a record is refused. */
export const SOURCE_FIELD: Record<string, { segment: string; field: number }> = {
  encounterId: { segment: 'PV1', field: 19 },
  mbi: { segment: 'PID', field: 3 },
  facilityId: { segment: 'PV1', field: 3 },
  admitDate: { segment: 'PV1', field: 44 },
  dischargeDate: { segment: 'PV1', field: 45 },
  disposition: { segment: 'PV1', field: 36 },
  encounterClass: { segment: 'PV1', field: 2 },
  admitType: { segment: 'PV1', field: 4 },
  drg: { segment: 'DRG', field: 1 },
  principalDiagnosis: { segment: 'DG1', field: 3 },
  eventTime: { segment: 'EVN', field: 2 },
};

class Unmappable extends Error {
  constructor(readonly error: AckError) {
    super(error.text);
  }
}

const missing = (name: keyof typeof SOURCE_FIELD, what: string): Unmappable =>
  new Unmappable({ ...SOURCE_FIELD[name]!, condition: 101, text: `no ${what} (${label(name)})` });
const malformed = (segmentName: string, field: number, raw: string): Unmappable =>
  new Unmappable({
    segment: segmentName,
    field,
    condition: 102,
    text: `${segmentName}-${field} '${raw}' is not an HL7 timestamp YYYYMMDD[HHMM[SS]][+/-ZZZZ]`,
  });
const label = (name: keyof typeof SOURCE_FIELD) => `${SOURCE_FIELD[name]!.segment}-${SOURCE_FIELD[name]!.field}`;

/** The message's trigger event (MSH-9 component 2). */
export function triggerEvent(m: Hl7Message): string {
  return fieldValue(m, segment(m, 'MSH'), 9, 2).toUpperCase();
}

export function mapAdt(m: Hl7Message): AdtMapping {
  const msh = segment(m, 'MSH');
  const type = fieldValue(m, msh, 9, 1).toUpperCase();
  const event = triggerEvent(m);
  if (type !== 'ADT')
    return {
      kind: 'rejected',
      event,
      error: { segment: 'MSH', field: 9, condition: 200, text: `message type '${type}' is not ADT` },
    };
  if (event === '')
    return {
      kind: 'error',
      event,
      error: { segment: 'MSH', field: 9, condition: 101, text: 'no trigger event (MSH-9 component 2)' },
    };
  const taken = EVENTS[event];
  if (!taken) return { kind: 'ignored', event, why: `ADT^${event} carries no admission or discharge` };
  try {
    const pv1 = segment(m, 'PV1');
    const classCode = fieldValue(m, pv1, 2).toUpperCase();
    const encounterClass = CLASSES[classCode] ?? null;
    if (encounterClass === null && !taken.cancelled)
      return { kind: 'ignored', event, why: `patient class '${classCode}' is not inpatient, observation or emergency` };
    const common = commonFields(m);
    const records: AdtRecord[] = [];
    const admitDate = date(m, 'admitDate', !taken.cancelled);
    const dischargeRaw = fieldValue(m, pv1, 45);
    if (taken.admission) {
      const admitTypeCode = fieldValue(m, pv1, 4).toUpperCase();
      records.push({
        topic: 'admissions',
        value: {
          ...common,
          admitDate,
          encounterClass,
          admitType: admitTypeCode === '' && taken.cancelled ? null : (ADMIT_TYPES[admitTypeCode] ?? 'URGENT'),
          plannedProcedure: null,
          cancelled: taken.cancelled,
        },
      });
    }
    if (taken.discharge === 'yes' || (taken.discharge === 'if-discharged' && dischargeRaw !== '')) {
      const disposition = fieldValue(m, pv1, 36);
      if (disposition === '' && !taken.cancelled) throw missing('disposition', 'discharge disposition');
      const drg = segment(m, 'DRG');
      records.push({
        topic: 'discharges',
        value: {
          ...common,
          admitDate,
          dischargeDate: date(m, 'dischargeDate', !taken.cancelled),
          disposition: disposition || null,
          encounterClass,
          drg: drg ? fieldValue(m, drg, 1) || null : null,
          cancelled: taken.cancelled,
        },
      });
    }
    return { kind: 'records', event, records };
  } catch (error) {
    if (error instanceof Unmappable) return { kind: 'error', event, error: error.error };
    throw error;
  }
}

/** The fields every record of the message shares: who, which visit, where, the diagnosis and when it was sent. */
function commonFields(m: Hl7Message): Record<string, unknown> {
  const msh = segment(m, 'MSH');
  const pv1 = segment(m, 'PV1');
  const encounterId = fieldValue(m, pv1, 19);
  if (encounterId === '') throw missing('encounterId', 'visit number');
  const mbi = medicareId(m);
  if (mbi === '')
    throw missing('mbi', 'Medicare beneficiary identifier (a PID-3 repetition of type MC or authority CMS)');
  const facilityId = fieldValue(m, pv1, 3, 4) || fieldValue(m, msh, 4);
  if (facilityId === '') throw missing('facilityId', 'facility (PV1-3 component 4 or MSH-4)');
  return { encounterId, mbi, facilityId, principalDiagnosis: principalDiagnosis(m), eventTime: eventTime(m) };
}

/** PID-3's repetition whose identifier type is MC or whose assigning authority is CMS. */
function medicareId(m: Hl7Message): string {
  const raw = rawField(segment(m, 'PID'), 3);
  for (const rep of repetitions(m, raw)) {
    if (value(m, rep, 5).toUpperCase() === 'MC' || value(m, rep, 4, 1).toUpperCase() === 'CMS') return value(m, rep, 1);
  }
  return '';
}

/** DG1-3 of the DG1 with priority 1, else of the first DG1. */
function principalDiagnosis(m: Hl7Message): string | null {
  const all = segments(m, 'DG1');
  const dg1 = all.find((s) => fieldValue(m, s, 15) === '1') ?? all[0];
  return dg1 ? fieldValue(m, dg1, 3) || null : null;
}

/** EVN-2, else MSH-7, as an instant; a malformed one is refused, even on a cancel. */
function eventTime(m: Hl7Message): string | null {
  for (const [name, field] of [
    ['EVN', 2],
    ['MSH', 7],
  ] as const) {
    const raw = fieldValue(m, segment(m, name), field);
    if (raw === '') continue;
    const ts = parseTimestamp(raw);
    if (!ts) throw malformed(name, field, raw);
    return ts.instant;
  }
  return null;
}

/** PV1-44 or PV1-45's date part; required unless the message is a cancel, malformed never. */
function date(m: Hl7Message, name: 'admitDate' | 'dischargeDate', required: boolean): string | null {
  const { segment: s, field } = SOURCE_FIELD[name]!;
  const raw = fieldValue(m, segment(m, s), field);
  if (raw === '') {
    if (required) throw missing(name, name === 'admitDate' ? 'admit date' : 'discharge date');
    return null;
  }
  const ts = parseTimestamp(raw);
  if (!ts) throw malformed(s, field, raw);
  return ts.date;
}
