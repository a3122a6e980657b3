import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { addDays, weekday, yearOf } from './dates.ts';

/**
 * Business days for transitional-care deadlines: Monday to Friday except US federal holidays as
 * observed (a Saturday holiday on the Friday before, a Sunday one on the Monday after). The
 * holidays are rules in reference/us-federal-holidays.json, so every year follows without a list
 * to extend.
 */
interface HolidayRule {
  name: string;
  month: number;
  /** A fixed day of the month, or... */
  day?: number;
  /** ...the nth (1-5, or -1 for the last) given weekday (0 Sunday to 6 Saturday) of the month. */
  weekday?: number;
  nth?: number;
  fromYear?: number;
}

const RULES: HolidayRule[] = (
  JSON.parse(
    readFileSync(fileURLToPath(new URL('../../reference/us-federal-holidays.json', import.meta.url)), 'utf8'),
  ) as { holidays: HolidayRule[] }
).holidays;

const iso = (y: number, m: number, d: number) =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

function actualDate(rule: HolidayRule, year: number): string {
  if (rule.day !== undefined) return iso(year, rule.month, rule.day);
  if (rule.nth! > 0) {
    const first = iso(year, rule.month, 1);
    return addDays(first, ((rule.weekday! - weekday(first) + 7) % 7) + 7 * (rule.nth! - 1));
  }
  const last = addDays(rule.month === 12 ? iso(year + 1, 1, 1) : iso(year, rule.month + 1, 1), -1);
  return addDays(last, -((weekday(last) - rule.weekday! + 7) % 7));
}

/** A holiday's observed date: Saturday to the Friday before, Sunday to the Monday after. */
function observed(date: string): string {
  const wd = weekday(date);
  return wd === 6 ? addDays(date, -1) : wd === 0 ? addDays(date, 1) : date;
}

const BY_YEAR = new Map<number, Set<string>>();

/**
 * Observed federal holidays falling in a calendar year (New Year's Day of the next year may fall on its December 31).
 */
export function observedHolidays(year: number): Set<string> {
  let set = BY_YEAR.get(year);
  if (set) return set;
  set = new Set();
  for (const y of [year, year + 1]) {
    for (const rule of RULES) {
      if (rule.fromYear !== undefined && y < rule.fromYear) continue;
      const date = observed(actualDate(rule, y));
      if (yearOf(date) === year) set.add(date);
    }
  }
  BY_YEAR.set(year, set);
  return set;
}

export function isBusinessDay(date: string): boolean {
  const wd = weekday(date);
  return wd !== 0 && wd !== 6 && !observedHolidays(yearOf(date)).has(date);
}

/** The nth business day after a date (the date itself not counted). */
export function addBusinessDays(date: string, n: number): string {
  let d = date;
  for (let left = n; left > 0; ) {
    d = addDays(d, 1);
    if (isBusinessDay(d)) left--;
  }
  return d;
}
