import { encodeEscapes, fieldValue, rawField, segment, type Hl7Message, type Separators } from './message.ts';
import { formatTimestamp } from './timestamp.ts';

/** HL7 original-mode acknowledgement codes. */
export type AckCode = 'AA' | 'AE' | 'AR';

/** What an AE or AR is about: the field (segment, field number) when one is to blame, and why. */
export interface AckError {
  segment?: string;
  field?: number;
  /** HL7 table 0357 message error condition code, e.g. 101 required field missing. */
  condition: ErrorCondition;
  text: string;
}

/** HL7 table 0357, the conditions this product reports. */
export const ERROR_CONDITIONS = {
  100: 'Segment sequence error',
  101: 'Required field missing',
  102: 'Data type error',
  103: 'Table value not found',
  200: 'Unsupported message type',
  201: 'Unsupported event code',
  207: 'Application internal error',
} as const;
export type ErrorCondition = keyof typeof ERROR_CONDITIONS;

const DEFAULT_SEPARATORS: Separators = { field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&' };
const KNOWN_VERSIONS = /^2\.(1|2|3|3\.1|4|5|5\.1|6|7|7\.1|8|8\.1)$/;

export interface AckInput {
  /** The message acknowledged, or null when it could not be parsed (then only its control id, if found, is echoed). */
  message: Hl7Message | null;
  /** MSH-10 of the message, raw, as it was sent. */
  controlId: string;
  code: AckCode;
  error?: AckError;
  /** This acknowledgement's own MSH-10. */
  ackControlId: string;
  at: Date;
}

/**
 * An original-mode ACK, as engines (HAPI, Mirth, Rhapsody) parse it: the message's separators, the
 * sender and receiver swapped, MSH-9 `ACK^<event>^ACK`, MSH-12 the message's version (2.5 when it
 * has none or one this product does not know), MSA-1 the code and MSA-2 the control id exactly, ERR
 * on AE and AR (ERR-1 up to v2.4, ERR-2/3/4/8 from v2.5). Segments end in CR; ASCII only.
 */
export function buildAck(input: AckInput): string {
  const m = input.message;
  const s = m?.separators ?? DEFAULT_SEPARATORS;
  const msh = m ? segment(m, 'MSH') : undefined;
  const version = m ? fieldValue(m, msh, 12) : '';
  const ackVersion = KNOWN_VERSIONS.test(version) ? version : '2.5';
  const event = m ? fieldValue(m, msh, 9, 2) : '';
  const ascii = (raw: string) => raw.replace(/[^\x20-\x7e]/g, (ch) => encodeEscapes(ch, s));
  const encoding = msh ? rawField(msh, 2) : `${s.component}${s.repetition}${s.escape}${s.subcomponent}`;
  const c = s.component;
  const header = [
    'MSH',
    encoding,
    ascii(rawField(msh, 5)),
    ascii(rawField(msh, 6)),
    ascii(rawField(msh, 3)),
    ascii(rawField(msh, 4)),
    formatTimestamp(input.at),
    '',
    `ACK${c}${encodeEscapes(event, s)}${c}ACK`,
    input.ackControlId,
    ascii(rawField(msh, 11)) || 'P',
    ackVersion,
  ].join(s.field);
  const msa = ['MSA', input.code, ascii(input.controlId)];
  // Up to v2.4 the text for people goes in MSA-3 (withdrawn later, where ERR-8 holds it).
  if (input.code !== 'AA' && Number(ackVersion.slice(0, 3)) < 2.5)
    msa.push(encodeEscapes(input.error?.text ?? 'rejected', s));
  const lines = [header, msa.join(s.field)];
  if (input.code !== 'AA') lines.push(errSegment(input.error, ackVersion, s));
  return `${lines.join('\r')}\r`;
}

function errSegment(error: AckError | undefined, version: string, s: Separators): string {
  const condition = error?.condition ?? 207;
  const text = encodeEscapes(error?.text ?? 'rejected', s);
  const location = error?.segment ? [error.segment, '1', error.field ? String(error.field) : ''] : [];
  const conditionCode = [String(condition), ERROR_CONDITIONS[condition], 'HL70357'];
  if (Number(version.slice(0, 3)) >= 2.5) {
    // ERR-2 location (ERL), ERR-3 condition (CWE), ERR-4 severity, ERR-8 the text for people.
    return ['ERR', '', location.join(s.component), conditionCode.join(s.component), 'E', '', '', '', text].join(
      s.field,
    );
  }
  // Up to v2.4: ERR-1 (ELD) segment^sequence^field^condition, the condition's parts as subcomponents.
  const eld = [...(location.length ? location : ['', '', '']), conditionCode.join(s.subcomponent)];
  return ['ERR', eld.join(s.component)].join(s.field);
}
