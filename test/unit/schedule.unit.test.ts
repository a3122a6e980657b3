import { describe, expect, it } from 'vitest';
import { dueAsOf, isDue } from '../../shared/domain/schedule.ts';

describe('scheduled MSSP reconciliation in event time', () => {
  it('monthly: as of the first day of the month event time has entered', () => {
    expect(dueAsOf('2026-03-17', 'monthly')).toBe('2026-03-01');
    expect(dueAsOf('2026-12-31', 'monthly')).toBe('2026-12-01');
    expect(dueAsOf('2027-01-01', 'monthly')).toBe('2027-01-01');
  });

  it('quarterly: as of the first day of the quarter', () => {
    expect(dueAsOf('2026-03-31', 'quarterly')).toBe('2026-01-01');
    expect(dueAsOf('2026-04-01', 'quarterly')).toBe('2026-04-01');
    expect(dueAsOf('2026-11-30', 'quarterly')).toBe('2026-10-01');
  });

  it('is due once per period: never again for the same or an earlier period', () => {
    expect(isDue('2026-03-01', null)).toBe(true);
    expect(isDue('2026-03-01', '2026-02-01')).toBe(true);
    expect(isDue('2026-03-01', '2026-03-01')).toBe(false);
    expect(isDue('2026-02-01', '2026-03-01')).toBe(false);
  });
});
