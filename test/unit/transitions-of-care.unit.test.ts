import { describe, expect, it } from 'vitest';
import type { Alert } from '../../shared/domain/alerts.ts';
import { derive } from '../../shared/domain/derive.ts';
import { emptyFacts, type BeneficiaryFacts } from '../../shared/domain/facts.ts';
import { readmissions } from '../../shared/domain/stays.ts';
import { Seeded } from '../../shared/random/seeded.ts';
import { admission, cancelled, claim, discharge, factsWith } from '../support/facts.ts';

const REF = { prices: {}, overrunThresholds: [80, 100] };
const tcm = (facts: BeneficiaryFacts) =>
  Object.values(derive('M', facts, REF).alerts)
    .filter((a) => a.type === 'TCM_FOLLOW_UP')
    .map((a) => [a.subjectId, a.contactDueDate, a.visitDueDate]);
/** Discharged home (01) on Thursday 2026-07-02 (Friday the 3rd is the observed Independence Day). */
const home = discharge({ encounterId: 'E1', admitDate: '2026-06-29', dischargeDate: '2026-07-02', disposition: '01' });
const visit = (fromDate: string, code = '99214', p = {}) =>
  claim({
    claimId: `V${fromDate}${code}`,
    claimType: 'PROFESSIONAL',
    fromDate,
    thruDate: fromDate,
    hcpcsCodes: [code],
    ...p,
  });

describe('TCM follow-ups (contract 1.5)', () => {
  it('a stay discharged home raises one, contact due the second business day after, visit due discharge + 14', () => {
    expect(tcm(factsWith({ discharges: [home] }))).toEqual([['E1', '2026-07-07', '2026-07-16']]);
  });

  it('home health (06), 81 and 86 raise one; a transfer, SNF or hospice discharge does not; nor an emergency visit', () => {
    for (const disposition of ['06', '81', '86'])
      expect(tcm(factsWith({ discharges: [{ ...home, disposition }] }))).toHaveLength(1);
    for (const disposition of ['02', '03', '07', '20', '50', '62'])
      expect(tcm(factsWith({ discharges: [{ ...home, disposition }] }))).toEqual([]);
    expect(tcm(factsWith({ discharges: [{ ...home, encounterClass: 'EMERGENCY' }] }))).toEqual([]);
    expect(tcm(factsWith({ discharges: [{ ...home, encounterClass: 'OBSERVATION' }] }))).toHaveLength(1);
  });

  it('a qualifying visit from discharge + 1 to discharge + 14 closes it: day 14 closes, day 15 does not, the discharge day does not', () => {
    expect(tcm(factsWith({ discharges: [home], claims: [visit('2026-07-16')] }))).toEqual([]);
    expect(tcm(factsWith({ discharges: [home], claims: [visit('2026-07-17')] }))).toHaveLength(1);
    expect(tcm(factsWith({ discharges: [home], claims: [visit('2026-07-03')] }))).toEqual([]);
    expect(tcm(factsWith({ discharges: [home], claims: [visit('2026-07-02')] }))).toHaveLength(1);
  });

  it('the visit codes: 99495, 99496, 99202-99215, 99341-99350 close it; others and non-professional claims do not', () => {
    for (const code of ['99495', '99496', '99202', '99215', '99341', '99350'])
      expect(tcm(factsWith({ discharges: [home], claims: [visit('2026-07-08', code)] }))).toEqual([]);
    for (const code of ['99201', '99216', '99340', '99351', '99497', '27447'])
      expect(tcm(factsWith({ discharges: [home], claims: [visit('2026-07-08', code)] }))).toHaveLength(1);
    expect(
      tcm(factsWith({ discharges: [home], claims: [visit('2026-07-08', '99214', { claimType: 'OUTPATIENT' })] })),
    ).toHaveLength(1);
  });

  it('a cancelled visit claim does not close it (claim versions); its adjustment does', () => {
    const v = visit('2026-07-08', '99495', { claimControlNumber: 'N9' });
    const cancel = { ...v, claimId: 'VX', adjustmentType: 'CANCELLATION' as const };
    expect(tcm(factsWith({ discharges: [home], claims: [v, cancel] }))).toHaveLength(1);
    expect(
      tcm(
        factsWith({
          discharges: [home],
          claims: [v, cancel, { ...v, claimId: 'VA', adjustmentType: 'ADJUSTMENT' as const }],
        }),
      ),
    ).toEqual([]);
  });

  it('another inpatient stay admitted from the discharge date to discharge + 14 closes it; day 15 or an observation stay does not', () => {
    const back = (admitDate: string, encounterClass: 'INPATIENT' | 'OBSERVATION' = 'INPATIENT') =>
      admission({ encounterId: 'E2', admitDate, encounterClass });
    expect(tcm(factsWith({ discharges: [home], admissions: [back('2026-07-02')] }))).toEqual([]);
    expect(tcm(factsWith({ discharges: [home], admissions: [back('2026-07-16')] }))).toEqual([]);
    expect(tcm(factsWith({ discharges: [home], admissions: [back('2026-07-17')] }))).toHaveLength(1);
    expect(tcm(factsWith({ discharges: [home], admissions: [back('2026-07-10', 'OBSERVATION')] }))).toHaveLength(1);
  });

  it('a cancelled discharge (A13) raises none; a cancelled admission (A11) no longer closes it', () => {
    expect(
      tcm(
        factsWith({
          discharges: [cancelled('E1')],
          admissions: [admission({ encounterId: 'E1', admitDate: '2026-06-29' })],
        }),
      ),
    ).toEqual([]);
    const facts = factsWith({
      discharges: [home],
      admissions: [admission({ encounterId: 'E2', admitDate: '2026-07-05' })],
    });
    expect(tcm(facts)).toEqual([]);
    facts.admissions.set('E2', cancelled('E2'));
    expect(tcm(facts)).toHaveLength(1);
  });

  it('the same facts in any arrival order give the same alerts in force (and the same ids)', () => {
    const records: ((f: BeneficiaryFacts) => void)[] = [
      (f) => f.discharges.set('E1', home),
      (f) =>
        f.admissions.set(
          'E1',
          admission({ encounterId: 'E1', admitDate: '2026-06-29', encounterClass: 'OBSERVATION' }),
        ),
      (f) =>
        f.discharges.set(
          'E2',
          discharge({ encounterId: 'E2', admitDate: '2026-07-20', dischargeDate: '2026-07-22', disposition: '06' }),
        ),
      (f) => f.admissions.set('E3', admission({ encounterId: 'E3', admitDate: '2026-07-30' })),
      (f) => f.claims.set('V1', visit('2026-07-24', '99496')),
      (f) => f.claims.set('V2', visit('2026-07-25', '99213', { claimControlNumber: 'V1' })),
      (f) =>
        f.claims.set('VX', {
          ...visit('2026-07-24', '99496'),
          claimId: 'VX',
          claimControlNumber: 'V2',
          adjustmentType: 'CANCELLATION',
        }),
      (f) =>
        f.discharges.set(
          'E4',
          discharge({ encounterId: 'E4', admitDate: '2026-09-01', dischargeDate: '2026-09-04', disposition: '01' }),
        ),
    ];
    const inForce = (order: number[]) => {
      const f = emptyFacts();
      for (const i of order) records[i]!(f);
      const alerts = derive('M', f, REF).alerts;
      return Object.values(alerts)
        .map((a: Alert) => `${a.alertId} ${a.type} ${a.subjectId} ${a.contactDueDate} ${a.visitDueDate}`)
        .sort();
    };
    const reference = inForce(records.map((_, i) => i));
    expect(reference.filter((a) => a.includes('TCM_FOLLOW_UP'))).toHaveLength(2);
    const rnd = new Seeded(5);
    for (let n = 0; n < 200; n++) {
      const order = records.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = rnd.int(0, i);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      expect(inForce(order)).toEqual(reference);
    }
  });
});

describe('transitions of care in readmissions (contract 1.3)', () => {
  const index = (disposition: string, facilityId = 'F1') =>
    discharge({ encounterId: 'A', admitDate: '2026-03-01', dischargeDate: '2026-03-05', disposition, facilityId });
  const next = (admitDate: string, facilityId: string) => admission({ encounterId: 'B', admitDate, facilityId });
  const pairs = (f: BeneficiaryFacts) => readmissions(f).map((r) => [r.indexEncounterId, r.readmissionEncounterId]);

  it('a transfer disposition (02, 05, 66, 82, 85, 94) is never an index stay', () => {
    for (const d of ['02', '05', '66', '82', '85', '94'])
      expect(pairs(factsWith({ discharges: [index(d)], admissions: [next('2026-03-20', 'F1')] }))).toEqual([]);
    expect(pairs(factsWith({ discharges: [index('01')], admissions: [next('2026-03-20', 'F1')] }))).toEqual([
      ['A', 'B'],
    ]);
  });

  it('CMS date rule: the next stay at another facility admitted on the discharge date or the day after makes it a transfer', () => {
    expect(pairs(factsWith({ discharges: [index('01')], admissions: [next('2026-03-05', 'F2')] }))).toEqual([]);
    expect(pairs(factsWith({ discharges: [index('01')], admissions: [next('2026-03-06', 'F2')] }))).toEqual([]);
    expect(pairs(factsWith({ discharges: [index('01')], admissions: [next('2026-03-07', 'F2')] }))).toEqual([
      ['A', 'B'],
    ]);
    // The same facility the next day is a readmission, not a transfer.
    expect(pairs(factsWith({ discharges: [index('01')], admissions: [next('2026-03-06', 'F1')] }))).toEqual([
      ['A', 'B'],
    ]);
  });

  it("the class is the discharge record's when it carries one: observation admitted, discharged inpatient, is a stay", () => {
    const obs = admission({ encounterId: 'A', admitDate: '2026-08-03', encounterClass: 'OBSERVATION' });
    const dis = discharge({
      encounterId: 'A',
      admitDate: '2026-08-03',
      dischargeDate: '2026-08-05',
      encounterClass: 'INPATIENT',
    });
    expect(pairs(factsWith({ admissions: [obs, next('2026-08-12', 'F1')], discharges: [dis] }))).toEqual([['A', 'B']]);
    expect(
      pairs(factsWith({ admissions: [obs, next('2026-08-12', 'F1')], discharges: [{ ...dis, encounterClass: null }] })),
    ).toEqual([]);
  });

  it('a cancelled admission (A11) with no discharge record does not exist: no readmission', () => {
    expect(pairs(factsWith({ discharges: [index('01')], admissions: [cancelled('B')] }))).toEqual([]);
  });
});
