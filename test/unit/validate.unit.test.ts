import { describe, expect, it } from 'vitest';
import { plausibleThrough, validateRecord } from '../../shared/domain/validate.ts';

const claim = (over: Record<string, unknown>) => ({
  mbi: '1EG4TE5MK73',
  claimId: 'C1',
  claimControlNumber: 'CCN1',
  adjustmentType: 'ORIGINAL',
  claimType: 'PROFESSIONAL',
  fromDate: '2026-03-01',
  thruDate: '2026-03-02',
  paidAmountCents: 1000,
  ...over,
});
const reason = (over: Record<string, unknown>) => {
  const r = validateRecord('claims', claim(over));
  return r.ok ? 'ok' : r.reason;
};

describe('record validation: the reasons producers see in the dead-letter headers', () => {
  it.each([
    ['', 'missing claimId'],
    ['   ', 'missing claimId'],
    [' \t\n', 'missing claimId'],
    ['\u00a0\u3000\ufeff', 'missing claimId'],
    ['C\t1', 'claimId holds a control character'],
    ['C1\u007f', 'claimId holds a control character'],
    ['\u0001', 'claimId holds a control character'],
    [' C 1 ', 'ok'],
    ['Cé1\u00a0', 'ok'],
  ])('a claimId of %j: %s', (claimId, expected) => {
    expect(reason({ claimId })).toBe(expected);
  });

  it('optional texts: empty is absent, a control character is refused', () => {
    expect(reason({ drg: '' })).toBe('ok');
    expect(reason({ drg: '47\u00000' })).toBe('drg holds a control character');
    expect(reason({ admissionDate: '2026-02-30' })).toBe("admissionDate '2026-02-30' is not an ISO date YYYY-MM-DD");
  });

  it('a date already seen valid is taken as it was; a text that only looks like one is still checked', () => {
    const first = validateRecord('claims', claim({ fromDate: '2026-05-04', thruDate: '2026-05-06' }));
    const second = validateRecord(
      'claims',
      claim({ fromDate: ['2026-05', '-04'].join(''), thruDate: ['2026-05-0', '6'].join('') }),
    );
    if (!first.ok || !second.ok || first.value.kind !== 'claim' || second.value.kind !== 'claim')
      throw new Error('both valid');
    // The same strings, not equal copies: held records share them.
    expect(second.value.fact.fromDate).toBe(first.value.fact.fromDate);
    expect(second.value.fact.thruDate).toBe(first.value.fact.thruDate);
    expect(reason({ fromDate: '2026-05-04 ', thruDate: '2026-05-06' })).toBe(
      "fromDate '2026-05-04 ' is not an ISO date YYYY-MM-DD",
    );
    expect(reason({ fromDate: '2026-05-04', thruDate: '2026-05-06\u0000' })).toBe('thruDate holds a control character');
    expect(reason({ fromDate: '2026-05-06', thruDate: '2026-05-04' })).toBe('thruDate is before fromDate');
  });

  it('a record equal to another gives an equal fact, whatever strings the decoder made', () => {
    const a = validateRecord(
      'claims',
      claim({ claimType: ['PROFESS', 'IONAL'].join(''), thruDate: ['2026-03', '-02'].join('') }),
    );
    const b = validateRecord('claims', claim({}));
    expect(a).toEqual(b);
    expect(validateRecord('claims', claim({ claimType: 'PROFESSIONALS' }))).toEqual({
      ok: false,
      reason: "claimType 'PROFESSIONALS' is not one of INPATIENT, OUTPATIENT, SNF, HHA, HOSPICE, PROFESSIONAL, DME",
      code: 'RECORD_INVALID',
    });
  });
});

describe('implausible dates are bad input, not care given (issue 18)', () => {
  const published = { latestPlausible: plausibleThrough('2026-11-26', 730) };
  const verdict = (topic: string, value: Record<string, unknown>) => {
    const r = validateRecord(topic, value, published);
    return r.ok ? 'ok' : `${r.code}: ${r.reason}`;
  };

  it('a claim dated far past its publication (2062 for 2026, 9999) or before Medicare began (0001) is DATE_IMPLAUSIBLE', () => {
    expect(verdict('claims', claim({ fromDate: '2062-03-01', thruDate: '2062-03-01' }))).toBe(
      'DATE_IMPLAUSIBLE: fromDate 2062-03-01 is after 2028-11-25, too far past when the record was published (VBC_MAX_DAYS_AHEAD): taken for a mistyped date',
    );
    expect(verdict('claims', claim({ thruDate: '9999-12-31' }))).toMatch(/^DATE_IMPLAUSIBLE: thruDate 9999-12-31/);
    expect(verdict('claims', claim({ fromDate: '0001-03-01' }))).toBe(
      'DATE_IMPLAUSIBLE: fromDate 0001-03-01 is before Medicare began (1966-07-01): taken for a mistyped date',
    );
    expect(verdict('claims', claim({ dischargeDate: '2099-01-01', admissionDate: '2026-03-01' }))).toMatch(
      /^DATE_IMPLAUSIBLE: dischargeDate/,
    );
  });

  it('dates up to the bound are taken as they are (simulated and next-year data); no bound when VBC_MAX_DAYS_AHEAD=off', () => {
    expect(verdict('claims', claim({ fromDate: '2028-11-25', thruDate: '2028-11-25' }))).toBe('ok');
    expect(verdict('claims', claim({ fromDate: '1966-07-01', thruDate: '1966-07-01' }))).toBe('ok');
    expect(
      validateRecord('claims', claim({ fromDate: '2062-03-01', thruDate: '2062-03-01' }), {
        latestPlausible: plausibleThrough('2026-11-26', null),
      }).ok,
    ).toBe(true);
  });

  it('ADT records are held to the same bound', () => {
    const adt = {
      encounterId: 'E1',
      mbi: 'M',
      facilityId: 'F1',
      admitDate: '2062-03-01',
      dischargeDate: '2062-03-04',
      disposition: '01',
      encounterClass: 'INPATIENT',
      admitType: 'URGENT',
    };
    expect(verdict('discharges', adt)).toMatch(/^DATE_IMPLAUSIBLE: admitDate 2062-03-01/);
    expect(verdict('admissions', adt)).toMatch(/^DATE_IMPLAUSIBLE: admitDate 2062-03-01/);
    expect(verdict('admissions', { ...adt, admitDate: '2026-03-01' })).toBe('ok');
  });
});
