import { describe, expect, it } from 'vitest';
import type { ClaimFact } from '../../shared/domain/facts.ts';
import { decodeFact, encodeFact } from '../../shared/engine/fact-codec.ts';

const claim = (over: Partial<ClaimFact> = {}): ClaimFact => ({
  claimId: 'CLM-1',
  claimControlNumber: 'CCN-1',
  adjustmentType: 'ORIGINAL',
  claimType: 'PROFESSIONAL',
  fromDate: '2026-03-01',
  thruDate: '2026-03-05',
  admissionDate: null,
  dischargeDate: null,
  drg: null,
  facilityId: null,
  paidAmountCents: 12_345,
  imeAmountCents: 0,
  dshAmountCents: 0,
  denied: false,
  effectiveDate: '2026-03-10',
  hcpcsCodes: [],
  ...over,
});

const roundTrip = (c: ClaimFact) => decodeFact(`c:${c.claimId}`, encodeFact(`c:${c.claimId}`, c));

describe('stored claim records (fact-codec)', () => {
  it('every kind of claim record reads back exactly as it was stored', () => {
    const claims = [
      claim(),
      claim({ adjustmentType: 'CANCELLATION', paidAmountCents: -12_345, denied: true, effectiveDate: null }),
      claim({
        claimType: 'INPATIENT',
        adjustmentType: 'ADJUSTMENT',
        admissionDate: '2025-12-30',
        dischargeDate: '2026-01-04',
        drg: '470',
        facilityId: 'F10001',
        imeAmountCents: 1_000,
        dshAmountCents: 2_000,
      }),
      claim({ claimType: 'OUTPATIENT', hcpcsCodes: ['27447', '99214'], drg: '', facilityId: '' }),
      claim({ fromDate: '2000-02-29', thruDate: '2099-12-31' }),
    ];
    for (const c of claims) expect(roundTrip(c)).toEqual(c);
  });

  it('the compact form is the smaller one: types as indexes, dates as day numbers, 0 for what is absent', () => {
    const c = claim();
    const stored = encodeFact('c:CLM-1', c);
    expect(stored).toBe('[0,5,"CCN-1",20513,20517,0,0,0,0,12345,0,0,0,20522,0]');
    const named = JSON.stringify([
      'CCN-1',
      'ORIGINAL',
      'PROFESSIONAL',
      '2026-03-01',
      '2026-03-05',
      null,
      null,
      null,
      null,
      12345,
      0,
      0,
      0,
      '2026-03-10',
      0,
    ]);
    expect(named.length - stored.length).toBeGreaterThan(40);
  });

  it('what the compact form cannot hold exactly (a date before 1970-01-02, a type outside the lists) is stored named', () => {
    for (const c of [
      claim({ fromDate: '1970-01-01' }),
      claim({ fromDate: '1969-07-20' }),
      claim({ claimType: 'AMBULANCE' as ClaimFact['claimType'] }),
    ]) {
      expect(JSON.parse(encodeFact('c:CLM-1', c))[0]).toBe('CCN-1');
      expect(roundTrip(c)).toEqual(c);
    }
  });

  it('records stored by earlier versions (named, with or without effective date and codes) are read as they were', () => {
    const named =
      '["CCN-1","ORIGINAL","PROFESSIONAL","2026-03-01","2026-03-05",null,null,null,null,12345,0,0,0,"2026-03-10",["99214"]]';
    expect(decodeFact('c:CLM-1', named)).toEqual(claim({ hcpcsCodes: ['99214'] }));
    const oldest = '["CCN-1","ORIGINAL","PROFESSIONAL","2026-03-01","2026-03-05",null,null,null,null,12345,0,0,0]';
    expect(decodeFact('c:CLM-1', oldest)).toEqual(claim({ effectiveDate: null }));
  });
});
