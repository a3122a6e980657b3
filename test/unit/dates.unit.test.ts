import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysBetween,
  heldDate,
  heldDays,
  isIsoDate,
  sharedDate,
  toDays,
  yearOf,
} from '../../shared/domain/dates.ts';

const DAY = 86_400_000;
const viaDate = (t: number) => new Date(t).toISOString().slice(0, 10);

describe('calendar dates (integer arithmetic, checked against the JavaScript Date of every day)', () => {
  it('agrees with Date on every day from 1900 to 2200: validity, adding and subtracting days, differences', () => {
    const wrong: string[] = [];
    for (let t = Date.UTC(1900, 0, 1); t < Date.UTC(2200, 0, 1); t += DAY) {
      const day = viaDate(t);
      if (!isIsoDate(day)) wrong.push(`${day} not valid`);
      if (addDays(day, 90) !== viaDate(t + 90 * DAY)) wrong.push(`${day} + 90`);
      if (addDays(day, -400) !== viaDate(t - 400 * DAY)) wrong.push(`${day} - 400`);
      if (daysBetween(day, viaDate(t + 31 * DAY)) !== 31) wrong.push(`${day} to +31`);
      if (yearOf(day) !== new Date(t).getUTCFullYear()) wrong.push(`${day} year`);
    }
    expect(wrong).toEqual([]);
  });

  it('refuses what is not a real ISO calendar date', () => {
    for (const bad of [
      '2026-02-29',
      '1900-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-04-31',
      '2026-01-00',
      '2026-1-01',
      '20260101',
      '2026-01-0a',
      ' 2026-01-01',
      '2026/01/01',
      '',
      20260101,
      null,
    ]) {
      expect(isIsoDate(bad)).toBe(false);
    }
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2000-02-29')).toBe(true);
  });
});

describe('held dates: one string and one day number per valid date', () => {
  it('knows a date once it is shared, as the same string and with its day number', () => {
    const text = ['2031-07', '-14'].join(''); // a date no other test shares, made as a decoder would
    expect(heldDate(text)).toBeUndefined();
    expect(heldDays(text)).toBeUndefined();
    const held = sharedDate(text);
    const again = ['2031-07-1', '4'].join('');
    expect(heldDate(again)).toBe(held);
    expect(sharedDate(again)).toBe(held);
    expect(heldDays(again)).toBe(toDays('2031-07-14'));
    expect(heldDays(again)).toBe(daysBetween('1970-01-01', '2031-07-14'));
  });
});
