/**
 * HL7 v2 ADT messages for the tests, written as interface engines write them: fields by number, so
 * PV1-44 is PV1-44 without counting bars by hand. Standard separators unless `separators` is given
 * (then every separator and escape character is swapped for the message's own).
 */

export interface AdtMessageSpec {
  event: string;
  controlId: string;
  version?: string;
  /** MSH-4, raw (components with ^). */
  sendingFacility?: string;
  /** MSH-7. */
  sentAt?: string;
  /** EVN-2; omitted: no EVN-2. */
  recordedAt?: string;
  /** PID-3 repetitions, raw. */
  identifiers?: string[];
  /** PID-5, raw. */
  name?: string;
  /** PV1 fields by number, raw. */
  pv1?: Record<number, string | undefined>;
  /** DG1-3 and DG1-15 of each DG1. */
  diagnoses?: { code: string; priority?: string }[];
  drg?: string;
  /** Other segments, raw, appended. */
  extra?: string[];
  /** MSH-9 message type (default ADT). */
  messageType?: string;
  separators?: { field: string; component: string; repetition: string; escape: string; subcomponent: string };
  /** Segment separator (CR, as the standard says, unless a test wants LF). */
  newline?: string;
}

export function segment(name: string, fields: Record<number, string | undefined>): string {
  const last = Math.max(0, ...Object.keys(fields).map(Number));
  const out = [name];
  for (let i = 1; i <= last; i++) out.push(fields[i] ?? '');
  return out.join('|');
}

export function mbiIdentifier(mbi: string): string {
  return `${mbi}^^^CMS&2.16.840.1.113883.4.927&ISO^MC`;
}

export function adtMessage(spec: AdtMessageSpec): string {
  const type = spec.messageType ?? 'ADT';
  const msh = `MSH|^~\\&|EPIC|${spec.sendingFacility ?? 'GENHOSP^2.16.840.1.113883.3.72^ISO'}|VBC|VBC-ACO|${spec.sentAt ?? '20260301093512'}||${type}^${spec.event}^${type}_${spec.event}|${spec.controlId}|P|${spec.version ?? '2.5'}`;
  const segments = [
    msh,
    segment('EVN', { 1: spec.event, ...(spec.recordedAt ? { 2: spec.recordedAt } : {}) }),
    segment('PID', {
      1: '1',
      3: (spec.identifiers ?? []).join('~'),
      5: spec.name ?? 'DOE^JANE',
      7: '19480312',
      8: 'F',
    }),
    segment('PV1', { 1: '1', ...(spec.pv1 ?? {}) }),
    ...(spec.diagnoses ?? []).map((d, i) =>
      segment('DG1', {
        1: String(i + 1),
        2: 'I10',
        3: `${d.code}^^I10`,
        6: 'F',
        ...(d.priority ? { 15: d.priority } : {}),
      }),
    ),
    ...(spec.drg ? [segment('DRG', { 1: `${spec.drg}^^MS-DRG` })] : []),
    ...(spec.extra ?? []),
  ];
  let text = segments.join(spec.newline ?? '\r') + (spec.newline ?? '\r');
  const s = spec.separators;
  if (s) {
    const map: Record<string, string> = {
      '|': s.field,
      '^': s.component,
      '~': s.repetition,
      '\\': s.escape,
      '&': s.subcomponent,
    };
    text = text.replace(/[|^~\\&]/g, (c) => map[c]!);
  }
  return text;
}

/** PV1 fields of an inpatient visit: class, location with facility, admit type, visit number, disposition, dates. */
export function visit(v: {
  encounterId: string;
  facility?: string;
  patientClass?: string;
  admitType?: string;
  admittedAt?: string;
  dischargedAt?: string;
  disposition?: string;
}): Record<number, string | undefined> {
  return {
    2: v.patientClass ?? 'I',
    3: `4W^412^B^${v.facility ?? 'GENHOSP'}`,
    4: v.admitType ?? 'E',
    19: `${v.encounterId}^^^GENHOSP^VN`,
    ...(v.disposition ? { 36: v.disposition } : {}),
    ...(v.admittedAt ? { 44: v.admittedAt } : {}),
    ...(v.dischargedAt ? { 45: v.dischargedAt } : {}),
  };
}
