import { describe, expect, it } from 'vitest';
import { addDays } from '../../shared/domain/dates.ts';
import { episodes, npraCents, targetPrice } from '../../shared/domain/episodes.ts';
import { roundHalfAwayFromZero } from '../../shared/domain/money.ts';
import { derive } from '../../shared/domain/derive.ts';
import { diff } from '../../shared/domain/diff.ts';
import { claim, discharge, factsWith } from '../support/facts.ts';

const REF = { prices: { 'BPCI_A|MJRLE|*': 2_500_000, 'BPCI_A|MJRLE|F1': 2_000_000 }, overrunThresholds: [80, 100] };
const anchor = (id: string, admitDate: string, dischargeDate: string, drg = '470', facilityId = 'F1') =>
  discharge({ encounterId: id, admitDate, dischargeDate, drg, facilityId, disposition: '03' });

describe('BPCI Advanced episodes (contract 1.4)', () => {
  it('window ends 89 days after the anchor discharge, across month ends and leap years', () => {
    expect(addDays('2025-01-13', 89)).toBe('2025-04-12');
    expect(addDays('2028-01-31', 89)).toBe('2028-04-29');
    expect(addDays('2027-12-15', 89)).toBe('2028-03-13');
  });

  it('an anchor admitted inside an open window opens no episode; the first after it opens the next', () => {
    const eps = episodes(
      'M',
      factsWith({
        discharges: [
          anchor('E1', '2025-01-10', '2025-01-13'),
          anchor('E2', '2025-02-25', '2025-02-28', '292'),
          anchor('E3', '2025-04-13', '2025-04-15', '292'),
        ],
      }),
      REF,
    );
    expect(eps.map((e) => [e.category, e.anchorAdmitDate, e.windowEnd])).toEqual([
      ['MJRLE', '2025-01-10', '2025-04-12'],
      ['CHF', '2025-04-13', addDays('2025-04-15', 89)],
    ]);
  });

  it('a late earlier anchor recomputes the episodes', () => {
    const later = anchor('E2', '2025-03-01', '2025-03-03');
    expect(episodes('M', factsWith({ discharges: [later] }), REF).map((e) => e.anchorAdmitDate)).toEqual([
      '2025-03-01',
    ]);
    const both = episodes('M', factsWith({ discharges: [later, anchor('E1', '2025-01-10', '2025-01-13')] }), REF);
    expect(both.map((e) => e.anchorAdmitDate)).toEqual(['2025-01-10']);
  });

  it('a discharge and a claim for the same stay anchor one episode', () => {
    const eps = episodes(
      'M',
      factsWith({
        discharges: [anchor('E1', '2025-01-10', '2025-01-13')],
        claims: [
          claim({
            claimId: 'C',
            claimType: 'INPATIENT',
            fromDate: '2025-01-10',
            thruDate: '2025-01-13',
            admissionDate: '2025-01-10',
            dischargeDate: '2025-01-13',
            drg: '470',
            facilityId: 'F1',
            paidAmountCents: 1_400_000,
          }),
        ],
      }),
      REF,
    );
    expect(eps).toHaveLength(1);
    expect(eps[0]!.spendCents).toBe(1_400_000);
  });

  it('spend is every claim whose fromDate is in the window, including the last day, whenever it arrived', () => {
    const eps = episodes(
      'M',
      factsWith({
        discharges: [anchor('E1', '2025-01-10', '2025-01-13')],
        claims: [
          claim({ claimId: 'in', fromDate: '2025-04-12', thruDate: '2025-04-12', paidAmountCents: 100 }),
          claim({ claimId: 'out', fromDate: '2025-04-13', thruDate: '2025-04-13', paidAmountCents: 1000 }),
          claim({ claimId: 'before', fromDate: '2025-01-09', thruDate: '2025-01-09', paidAmountCents: 1000 }),
        ],
      }),
      REF,
    );
    expect(eps[0]!.spendCents).toBe(100);
  });

  it('prices: facility-specific first, else *, else none', () => {
    expect(targetPrice(REF, 'BPCI_A', 'MJRLE', 'F1')).toBe(2_000_000);
    expect(targetPrice(REF, 'BPCI_A', 'MJRLE', 'F9')).toBe(2_500_000);
    expect(targetPrice(REF, 'BPCI_A', 'CHF', 'F1')).toBeNull();
  });

  it('NPRA is target minus spend, clamped to 20% of target either way', () => {
    expect(npraCents(2_000_000, 2_100_000)).toBe(-100_000);
    expect(npraCents(2_000_000, 3_000_000)).toBe(-400_000);
    expect(npraCents(2_000_000, 1_000_000)).toBe(400_000);
  });

  it('rounds half away from zero', () => {
    expect(roundHalfAwayFromZero(2.5)).toBe(3);
    expect(roundHalfAwayFromZero(-2.5)).toBe(-3);
    expect(roundHalfAwayFromZero(-2.4)).toBe(-2);
    expect(npraCents(1_000_003, 0)).toBe(200_001); // 200000.6 rounds up
  });
});

describe('BPCI Advanced episode edges and overrun alerts (contract 1.4, 1.5)', () => {
  const anchorOnly = anchor('E1', '2025-01-10', '2025-01-13');
  const spendOf = (cents: number, id = 'S', fromDate = '2025-02-01') =>
    claim({ claimId: id, claimType: 'SNF', fromDate, thruDate: fromDate, paidAmountCents: cents });

  it('an anchor admitted on the last day of a window opens none; the next day it opens the next episode', () => {
    const onLastDay = episodes(
      'M',
      factsWith({ discharges: [anchorOnly, anchor('E2', '2025-04-12', '2025-04-14', '292')] }),
      REF,
    );
    expect(onLastDay.map((e) => e.anchorAdmitDate)).toEqual(['2025-01-10']);
    const dayAfter = episodes(
      'M',
      factsWith({ discharges: [anchorOnly, anchor('E2', '2025-04-13', '2025-04-14', '292')] }),
      REF,
    );
    expect(dayAfter.map((e) => e.anchorAdmitDate)).toEqual(['2025-01-10', '2025-04-13']);
  });

  it('a window across February of a leap year', () => {
    const eps = episodes('M', factsWith({ discharges: [anchor('E1', '2024-01-28', '2024-02-01')] }), REF);
    expect(eps[0]!.windowEnd).toBe('2024-04-30');
  });

  it('an episode without a target price is tracked with a null target and raises no overrun alert', () => {
    const facts = factsWith({
      discharges: [anchor('E1', '2025-01-10', '2025-01-13', '292')],
      claims: [spendOf(9_000_000)],
    });
    const d = derive('M', facts, REF);
    expect(d.episodes[0]).toMatchObject({ category: 'CHF', targetPriceCents: null, spendCents: 9_000_000 });
    expect(Object.values(d.alerts)).toEqual([]);
  });

  it('overrun alerts are in force from exactly the threshold, and withdrawn with the same id when a cancellation takes spend back under', () => {
    // Target $20,000 at F1: 80% = $16,000.
    const at80 = factsWith({ discharges: [anchorOnly], claims: [spendOf(1_600_000)] });
    const under80 = factsWith({ discharges: [anchorOnly], claims: [spendOf(1_599_999)] });
    expect(Object.values(derive('M', under80, REF).alerts)).toEqual([]);
    const raised = derive('M', at80, REF);
    expect(Object.values(raised.alerts).map((a) => [a.type, a.threshold])).toEqual([['EPISODE_OVERRUN', 80]]);

    const cancelled = factsWith({
      discharges: [anchorOnly],
      claims: [spendOf(1_600_000), claim({ ...spendOf(1_600_000, 'S-X'), adjustmentType: 'CANCELLATION' })],
    });
    const changes = diff(raised, derive('M', cancelled, REF));
    expect(changes.raised).toEqual([]);
    expect(changes.withdrawn.map((a) => a.alertId)).toEqual(Object.keys(raised.alerts));
  });

  it('the overrun alert shows category, anchor facility and dates, spend, target, percent, days left and the largest cost lines', () => {
    const facts = factsWith({
      discharges: [anchorOnly],
      claims: [
        spendOf(1_500_000, 'S1', '2025-02-01'),
        claim({ claimId: 'P1', fromDate: '2025-03-02', thruDate: '2025-03-03', paidAmountCents: 600_000 }),
      ],
    });
    const alert = Object.values(derive('M', facts, REF).alerts).find((a) => a.threshold === 100)!;
    expect(alert.details).toMatchObject({
      category: 'MJRLE',
      anchorFacilityId: 'F1',
      anchorAdmitDate: '2025-01-10',
      anchorDischargeDate: '2025-01-13',
      windowEnd: '2025-04-12',
      spendCents: '2100000',
      targetPriceCents: '2000000',
      percentOfTarget: '105.0',
      windowAsOf: '2025-03-03',
      daysLeftInWindow: '40',
      largestCostLines: 'SNF:1500000,PROFESSIONAL:600000',
    });
  });

  it('NPRA rounds a negative half cent away from zero', () => {
    // target 1,000,001: spend 1,100,001.5 cannot happen (cents), so clamp: -20% = -200,000.2 -> -200,000.
    expect(npraCents(1_000_001, 2_000_000)).toBe(-200_000);
    // target 1,000,005: -20% = -200,001 exactly.
    expect(npraCents(1_000_005, 2_000_000)).toBe(-200_001);
    expect(roundHalfAwayFromZero(-200_000.5)).toBe(-200_001);
  });
});
