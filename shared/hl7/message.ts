/**
 * HL7 v2 messages in the pipe-and-hat encoding (v2.3 to v2.8): segments split on carriage returns,
 * fields, repetitions, components and subcomponents split on the separators the message declares in
 * MSH-1 and MSH-2, escape sequences decoded only in the leaf values (so an escaped separator never
 * splits). Raw text is kept: a field is split when it is read, and most fields never are.
 */

export interface Separators {
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subcomponent: string;
}

/** One segment: its name and its fields' raw text, `fields[n]` being field n (MSH-1 is the field separator). */
export interface Segment {
  name: string;
  fields: string[];
}

export interface Hl7Message {
  separators: Separators;
  segments: Segment[];
}

export type ParseResult = { ok: true; message: Hl7Message } | { ok: false; reason: string };

const SEGMENT_NAME = /^[A-Z][A-Z0-9]{2}$/;

/**
 * Parses a message. Segments may end in CR (the standard), CR LF or LF (files edited by hand);
 * empty lines are skipped. Fails with a reason when the text is not an HL7 v2 message.
 */
export function parseMessage(text: string): ParseResult {
  if (!text.startsWith('MSH')) return { ok: false, reason: 'does not start with an MSH segment' };
  const field = text.charAt(3);
  if (field === '' || /[A-Za-z0-9\r\n]/.test(field)) return { ok: false, reason: 'MSH-1 is not a field separator' };
  const encodingEnd = text.indexOf(field, 4);
  const encoding = text.slice(4, encodingEnd < 0 ? undefined : encodingEnd);
  if (encoding.length < 2 || encoding.length > 5) return { ok: false, reason: 'MSH-2 encoding characters are missing' };
  const separators: Separators = {
    field,
    component: encoding.charAt(0),
    repetition: encoding.charAt(1),
    escape: encoding.charAt(2) || '\\',
    subcomponent: encoding.charAt(3) || '&',
  };
  const used = [
    separators.field,
    separators.component,
    separators.repetition,
    separators.escape,
    separators.subcomponent,
  ];
  if (new Set(used).size !== used.length || used.some((c) => /[A-Za-z0-9\s]/.test(c)))
    return { ok: false, reason: `MSH-2 encoding characters '${encoding}' are not distinct punctuation` };

  const segments: Segment[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.trim() === '') continue;
    const name = line.slice(0, 3);
    if (!SEGMENT_NAME.test(name) || (line.length > 3 && line.charAt(3) !== field))
      return {
        ok: false,
        reason: `segment ${segments.length + 1} is not a segment (starts '${name.replace(/[^ -~]/g, '?')}')`,
      };
    if (name === 'MSH') {
      if (segments.length > 0) return { ok: false, reason: 'more than one MSH segment (a batch, not one message)' };
      // MSH-1 is the separator itself and MSH-2 the encoding characters: field n is split part n-1.
      const rest = line.slice(4 + encoding.length).split(field);
      segments.push({ name, fields: [name, field, encoding, ...rest.slice(1)] });
    } else {
      segments.push({ name, fields: line.split(field) });
    }
  }
  return { ok: true, message: { separators, segments } };
}

/** The first segment of a name. */
export function segment(message: Hl7Message, name: string): Segment | undefined {
  return message.segments.find((s) => s.name === name);
}

export function segments(message: Hl7Message, name: string): Segment[] {
  return message.segments.filter((s) => s.name === name);
}

/** A field's raw text (escapes undecoded), '' when absent. */
export function rawField(seg: Segment | undefined, n: number): string {
  return seg?.fields[n] ?? '';
}

/** A field's repetitions, raw. */
export function repetitions(message: Hl7Message, raw: string): string[] {
  return raw === '' ? [] : raw.split(message.separators.repetition);
}

/**
 * One leaf of a field, decoded: repetition `rep` (0-based), component `comp` and subcomponent `sub`
 * (1-based, as HL7 numbers them). '' when absent.
 */
export function value(message: Hl7Message, raw: string, comp = 1, sub = 1, rep = 0): string {
  const s = message.separators;
  const r = raw.split(s.repetition)[rep] ?? '';
  const c = r.split(s.component)[comp - 1] ?? '';
  const leaf = c.split(s.subcomponent)[sub - 1] ?? '';
  return decodeEscapes(leaf, s);
}

/** A segment's field leaf, decoded: `fieldValue(pv1, 19)` is PV1-19.1. */
export function fieldValue(message: Hl7Message, seg: Segment | undefined, n: number, comp = 1, sub = 1): string {
  return value(message, rawField(seg, n), comp, sub);
}

/**
 * Decodes HL7 escape sequences: \F\ \S\ \T\ \R\ \E\ (the message's own separators), \Xhh...\
 * (bytes in hex, read as UTF-8), \.br\ (a line break); formatting (\H\ \N\ and other \.xx\) and
 * character-set switches (\C...\ \M...\) carry no text and are dropped. An unknown or unterminated
 * sequence is kept as written.
 */
export function decodeEscapes(text: string, s: Separators): string {
  const e = s.escape;
  if (!text.includes(e)) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf(e, i);
    if (start < 0) break;
    const end = text.indexOf(e, start + 1);
    if (end < 0) break;
    out += text.slice(i, start);
    const code = text.slice(start + 1, end);
    const decoded = decodeEscape(code, s);
    out += decoded ?? `${e}${code}${e}`;
    i = end + 1;
  }
  return out + text.slice(i);
}

function decodeEscape(code: string, s: Separators): string | null {
  switch (code) {
    case 'F':
      return s.field;
    case 'S':
      return s.component;
    case 'T':
      return s.subcomponent;
    case 'R':
      return s.repetition;
    case 'E':
      return s.escape;
    case 'H':
    case 'N':
      return '';
    case '.br':
      return '\n';
  }
  if (/^X([0-9A-Fa-f]{2})+$/.test(code)) return Buffer.from(code.slice(1), 'hex').toString('utf8');
  if (/^[CM][0-9A-Fa-f]+$/.test(code) || /^\.[a-z]{2}[+-]?\d*$/.test(code)) return '';
  return null;
}

/** Escapes text to stand in a field of a message with these separators (the reverse of decodeEscapes). */
export function encodeEscapes(text: string, s: Separators): string {
  let out = '';
  for (const ch of text) {
    if (ch === s.escape) out += `${s.escape}E${s.escape}`;
    else if (ch === s.field) out += `${s.escape}F${s.escape}`;
    else if (ch === s.component) out += `${s.escape}S${s.escape}`;
    else if (ch === s.subcomponent) out += `${s.escape}T${s.escape}`;
    else if (ch === s.repetition) out += `${s.escape}R${s.escape}`;
    else if (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) > 0x7e)
      out += `${s.escape}X${Buffer.from(ch, 'utf8').toString('hex').toUpperCase()}${s.escape}`;
    else out += ch;
  }
  return out;
}
