import { describe, expect, it } from 'vitest';
import { derive } from '../../shared/domain/derive.ts';
import { readmissions } from '../../shared/domain/stays.ts';
import { admission, discharge, factsWith } from '../support/facts.ts';

const REF = { prices: {}, overrunThresholds: [80, 100] };
const indexStay = (disposition = '01', dischargeDate = '2026-03-04') =>
  discharge({ encounterId: 'A', admitDate: '2026-03-01', dischargeDate, disposition });
const next = (admitDate: string, extra: Partial<Parameters<typeof admission>[0]> = {}) =>
  admission({ encounterId: 'B', admitDate, ...extra });

describe('30-day readmissions (contract 1.3)', () => {
  it.each([
    ['same day as discharge', '2026-03-04', 0],
    ['30 days after', '2026-04-03', 30],
  ])('flags a readmission %s', (_label, admitDate, days) => {
    const r = readmissions(factsWith({ discharges: [indexStay()], admissions: [next(admitDate)] }));
    expect(r.map((x) => [x.indexEncounterId, x.readmissionEncounterId, x.daysToReadmit])).toEqual([['A', 'B', days]]);
  });

  it('does not flag 31 days after discharge', () => {
    expect(readmissions(factsWith({ discharges: [indexStay()], admissions: [next('2026-04-04')] }))).toEqual([]);
  });

  it('counts calendar days across a leap day', () => {
    const r = readmissions(
      factsWith({
        discharges: [discharge({ encounterId: 'A', admitDate: '2028-02-20', dischargeDate: '2028-02-28' })],
        admissions: [admission({ encounterId: 'B', admitDate: '2028-03-29' })],
      }),
    );
    expect(r[0]?.daysToReadmit).toBe(30);
  });

  it.each(['02', '07', '20', '40', '41', '42'])(
    'a stay discharged with disposition %s is never an index stay',
    (disposition) => {
      expect(
        readmissions(factsWith({ discharges: [indexStay(disposition)], admissions: [next('2026-03-10')] })),
      ).toEqual([]);
    },
  );

  it('a transfer chain flags nothing against the stay before the transfer', () => {
    const r = readmissions(
      factsWith({
        discharges: [
          discharge({ encounterId: 'A', admitDate: '2026-02-10', dischargeDate: '2026-02-12', disposition: '02' }),
          discharge({ encounterId: 'B', admitDate: '2026-02-12', dischargeDate: '2026-02-20' }),
        ],
      }),
    );
    expect(r).toEqual([]);
  });

  it('observation and emergency encounters in between are ignored', () => {
    const r = readmissions(
      factsWith({
        discharges: [indexStay()],
        admissions: [
          admission({ encounterId: 'O', admitDate: '2026-03-06', encounterClass: 'OBSERVATION' }),
          admission({ encounterId: 'E', admitDate: '2026-03-07', encounterClass: 'EMERGENCY' }),
          next('2026-03-10'),
        ],
      }),
    );
    expect(r.map((x) => x.readmissionEncounterId)).toEqual(['B']);
  });

  it('only the very next inpatient stay is considered: a stay seen in between takes the flag', () => {
    const withoutMiddle = factsWith({ discharges: [indexStay()], admissions: [next('2026-03-20')] });
    expect(readmissions(withoutMiddle).map((x) => x.readmissionEncounterId)).toEqual(['B']);
    const withMiddle = factsWith({
      discharges: [
        indexStay(),
        discharge({ encounterId: 'M', admitDate: '2026-03-10', dischargeDate: '2026-03-12', disposition: '20' }),
      ],
      admissions: [next('2026-03-20')],
    });
    expect(readmissions(withMiddle).map((x) => [x.indexEncounterId, x.readmissionEncounterId])).toEqual([['A', 'M']]);
  });

  it('an admission record revealing an observation stay removes the readmission', () => {
    const facts = factsWith({
      discharges: [indexStay(), discharge({ encounterId: 'B', admitDate: '2026-03-10', dischargeDate: '2026-03-11' })],
      admissions: [next('2026-03-10', { encounterClass: 'OBSERVATION' })],
    });
    expect(readmissions(facts)).toEqual([]);
  });

  it('planned readmissions are recorded without an alert; unplanned ones raise one', () => {
    const planned = derive(
      'M1',
      factsWith({
        discharges: [indexStay()],
        admissions: [next('2026-03-10', { admitType: 'ELECTIVE', plannedProcedure: true })],
      }),
      REF,
    );
    expect(planned.readmissions.map((r) => r.planned)).toEqual([true]);
    expect(Object.values(planned.alerts)).toEqual([]);
    const elective = derive(
      'M1',
      factsWith({ discharges: [indexStay()], admissions: [next('2026-03-10', { admitType: 'ELECTIVE' })] }),
      REF,
    );
    expect(Object.values(elective.alerts).map((a) => [a.type, a.subjectId])).toEqual([['READMISSION', 'B']]);
  });

  it('a readmission known only from its discharge record is unplanned', () => {
    const d = derive(
      'M1',
      factsWith({
        discharges: [
          indexStay(),
          discharge({ encounterId: 'B', admitDate: '2026-03-10', dischargeDate: '2026-03-12' }),
        ],
      }),
      REF,
    );
    expect(d.readmissions.map((r) => r.planned)).toEqual([false]);
  });

  it('the alert id depends only on what the alert is about', () => {
    const a = derive('M1', factsWith({ discharges: [indexStay()], admissions: [next('2026-03-10')] }), REF);
    const b = derive(
      'M1',
      factsWith({
        admissions: [next('2026-03-10', { receivedAt: '2026-03-10T08:00:00Z' })],
        discharges: [indexStay()],
      }),
      REF,
    );
    expect(Object.keys(a.alerts)).toEqual(Object.keys(b.alerts));
    expect(
      Object.keys(derive('M2', factsWith({ discharges: [indexStay()], admissions: [next('2026-03-10')] }), REF).alerts),
    ).not.toEqual(Object.keys(a.alerts));
  });
});
