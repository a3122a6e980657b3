/** Calendar-date arithmetic on ISO `YYYY-MM-DD` strings, in UTC so no time zone or DST shifts a day. */
const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function toDays(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** b - a in days. */
export function daysBetween(a: string, b: string): number {
  return toDays(b) - toDays(a);
}

export function addDays(date: string, days: number): string {
  return new Date((toDays(date) + days) * DAY_MS).toISOString().slice(0, 10);
}

export function yearOf(date: string): number {
  return Number(date.slice(0, 4));
}

export function monthOf(date: string): string {
  return date.slice(0, 7);
}
