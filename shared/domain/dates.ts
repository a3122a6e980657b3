/**
 * Calendar-date arithmetic on ISO `YYYY-MM-DD` strings, in the proleptic Gregorian calendar with
 * no time of day, so no time zone or DST shifts a day. Plain integer arithmetic (Howard Hinnant's
 * days-from-civil): these run for every record on the hot path, where building Date objects showed.
 */
const DIGIT_0 = 48;

function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - DIGIT_0;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45)
    return false;
  const y = digits(value, 0, 4);
  const m = digits(value, 5, 7);
  const d = digits(value, 8, 10);
  return y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** Days since 1970-01-01 of a valid ISO date (also how stored claim records keep their dates, fact-codec.ts). */
export function toDays(date: string): number {
  let y = digits(date, 0, 4);
  const m = digits(date, 5, 7);
  const d = digits(date, 8, 10);
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function fromDays(days: number): string {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

const DAY_DATES = new Map<number, string>();

/** The ISO date of a day number, one string per date (as sharedDate). */
export function dateOfDay(days: number): string {
  let date = DAY_DATES.get(days);
  if (date === undefined) {
    if (DAY_DATES.size >= 100_000) DAY_DATES.clear();
    DAY_DATES.set(days, (date = sharedDate(fromDays(days))));
  }
  return date;
}

/** b - a in days. */
export function daysBetween(a: string, b: string): number {
  return toDays(b) - toDays(a);
}

export function addDays(date: string, days: number): string {
  return fromDays(toDays(date) + days);
}

export function yearOf(date: string): number {
  return digits(date, 0, 4);
}

/** A valid date as the one string held for it, and its day number (toDays), computed once. */
interface HeldDate {
  readonly date: string;
  readonly days: number;
}

/** Valid dates seen so far (a few thousand in any feed; cleared if ever far more). */
const DATES = new Map<string, HeldDate>();

/**
 * The one string held for this valid ISO date. A service holds every claim record of its
 * beneficiaries, each with four dates: the decoded copies die young, and the records share one
 * string per date.
 */
export function sharedDate(date: string): string {
  const held = DATES.get(date);
  if (held !== undefined) return held.date;
  if (DATES.size >= 100_000) DATES.clear();
  DATES.set(date, { date, days: toDays(date) });
  return date;
}

/**
 * The string held for a text when it is a date seen valid before (sharedDate), else undefined: a
 * record's dates are nearly all of a few hundred, so checking them costs one lookup each, not a
 * scan of their characters.
 */
export function heldDate(text: string): string | undefined {
  return DATES.get(text)?.date;
}

/** toDays of a text when it is a date held (sharedDate), else undefined. */
export function heldDays(text: string): number | undefined {
  return DATES.get(text)?.days;
}

/** Month strings made so far, by year * 100 + month: a few dozen in any feed. */
const MONTHS = new Map<number, string>();

/**
 * `YYYY-MM` of a valid ISO date. One string per month, shared by every record of it: a held
 * record's month costs no string of its own, and totals by month find it without hashing it again.
 */
export function monthOf(date: string): string {
  const key = digits(date, 0, 4) * 100 + digits(date, 5, 7);
  let month = MONTHS.get(key);
  if (month === undefined) MONTHS.set(key, (month = date.slice(0, 7)));
  return month;
}

/** Day of the week of a valid ISO date: 0 Sunday to 6 Saturday. */
export function weekday(date: string): number {
  return (((toDays(date) + 4) % 7) + 7) % 7;
}
