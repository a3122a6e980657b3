import { describe, expect, it } from 'vitest';
import { addBusinessDays, isBusinessDay, observedHolidays } from '../../shared/domain/business-days.ts';

describe('business days: Monday to Friday except US federal holidays as observed (contract 1.5)', () => {
  it('skips the weekend', () => {
    expect(addBusinessDays('2026-03-04', 2)).toBe('2026-03-06'); // Wednesday -> Friday
    expect(addBusinessDays('2026-03-05', 2)).toBe('2026-03-09'); // Thursday -> Monday
    expect(addBusinessDays('2026-03-06', 2)).toBe('2026-03-10'); // Friday -> Tuesday
    expect(addBusinessDays('2026-03-07', 2)).toBe('2026-03-10'); // Saturday -> Tuesday
  });

  it('skips Thanksgiving (fourth Thursday of November) and lands after it', () => {
    expect(observedHolidays(2026).has('2026-11-26')).toBe(true);
    expect(addBusinessDays('2026-11-25', 2)).toBe('2026-11-30'); // Wed -> (Thu holiday) Fri, Mon
    expect(addBusinessDays('2026-11-24', 2)).toBe('2026-11-27'); // Tue -> Wed, (Thu) Fri
  });

  it('Christmas on a Friday (2026) is observed that Friday; Independence Day on a Saturday (2026) the Friday before', () => {
    expect(isBusinessDay('2026-12-25')).toBe(false);
    expect(addBusinessDays('2026-12-23', 2)).toBe('2026-12-28');
    expect(isBusinessDay('2026-07-03')).toBe(false);
    expect(isBusinessDay('2026-07-04')).toBe(false); // a Saturday anyway
    expect(addBusinessDays('2026-07-02', 2)).toBe('2026-07-07');
  });

  it("New Year's Day: on a Thursday (2026); on a Saturday (2022) observed on Friday December 31 of the year before; on a Sunday (2023) the Monday after", () => {
    expect(addBusinessDays('2025-12-31', 2)).toBe('2026-01-05');
    expect(observedHolidays(2021).has('2021-12-31')).toBe(true);
    expect(observedHolidays(2022).has('2022-01-01')).toBe(false);
    expect(addBusinessDays('2021-12-30', 2)).toBe('2022-01-04');
    expect(observedHolidays(2023).has('2023-01-02')).toBe(true);
  });

  it('knows every federal holiday of 2026 as observed, by rule', () => {
    expect([...observedHolidays(2026)].sort()).toEqual([
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-05-25',
      '2026-06-19',
      '2026-07-03',
      '2026-09-07',
      '2026-10-12',
      '2026-11-11',
      '2026-11-26',
      '2026-12-25',
    ]);
    expect(observedHolidays(2020).has('2020-06-19')).toBe(false); // Juneteenth from 2021
  });
});
