import { describe, expect, it } from 'vitest';
import { validateRecord } from '../../shared/domain/validate.ts';

const claim = (over: Record<string, unknown>) => ({
  mbi: '1EG4TE5MK73', claimId: 'C1', claimControlNumber: 'CCN1', adjustmentType: 'ORIGINAL', claimType: 'PROFESSIONAL',
  fromDate: '2026-03-01', thruDate: '2026-03-02', paidAmountCents: 1000, ...over,
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

  it('a record equal to another gives an equal fact, whatever strings the decoder made', () => {
    const a = validateRecord('claims', claim({ claimType: ['PROFESS', 'IONAL'].join(''), thruDate: ['2026-03', '-02'].join('') }));
    const b = validateRecord('claims', claim({}));
    expect(a).toEqual(b);
    expect(validateRecord('claims', claim({ claimType: 'PROFESSIONALS' }))).toEqual({
      ok: false, reason: "claimType 'PROFESSIONALS' is not one of INPATIENT, OUTPATIENT, SNF, HHA, HOSPICE, PROFESSIONAL, DME",
    });
  });
});
