/**
 * HL7 timestamps (DTM/TS: `YYYYMMDD[HH[MM[SS[.S...]]]][+/-ZZZZ]`), as the contract reads them: the
 * date part as written, in the sender's local time (an offset is not applied: the day a stay began
 * is the hospital's day), and the instant (UTC when no offset is given) for eventTime.
 */

const DTM = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?)?)?(?:([+-])(\d{2})(\d{2}))?$/;

export interface Hl7Timestamp {
  /** ISO date of the date part, as written. */
  date: string;
  /** ISO-8601 instant in UTC. */
  instant: string;
}

/** A timestamp read, or null when it is not one (a date that does not exist, a partial date, letters). */
export function parseTimestamp(text: string): Hl7Timestamp | null {
  const m = DTM.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', sign, oh, om] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // A day beyond the month's end (20260231) rolls over in Date.UTC: refuse it.
  if (new Date(local).getUTCDate() !== day) return null;
  let offsetMinutes = 0;
  if (sign !== undefined) {
    if (Number(oh) > 14 || Number(om) > 59) return null;
    offsetMinutes = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  }
  return { date: `${y}-${mo}-${d}`, instant: new Date(local - offsetMinutes * 60_000).toISOString() };
}

/** A timestamp for an outgoing message (the ACK's MSH-7), in UTC with its offset. */
export function formatTimestamp(at: Date): string {
  const iso = at.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}+0000`;
}
