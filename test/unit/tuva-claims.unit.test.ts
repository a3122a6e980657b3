import { describe, expect, it } from 'vitest';
import { csvRecords } from '../../shared/adapters/csv.ts';
import { dollarsToCents, tuvaClaims, type TuvaLine } from '../../shared/adapters/tuva-claims.ts';

const HEADER =
  'claim_id,claim_line_number,claim_type,person_id,member_id,patient_id,claim_start_date,claim_end_date,admission_date,discharge_date,bill_type_code,ms_drg_code,hcpcs_code,facility_npi,billing_npi,paid_amount,diagnosis_code_1';
/** Lines of a CSV in the layout, as the importer reads them (header names lower-cased). */
function lines(csv: string): TuvaLine[] {
  const records = [...csvRecords(`${HEADER}\n${csv}`)];
  const names = records[0]!.fields;
  return records
    .slice(1)
    .map(({ line, fields }) => ({ line, row: Object.fromEntries(names.map((n, i) => [n, fields[i] ?? ''])) }));
}

describe('Tuva medical_claim to claim records (contract 5.2)', () => {
  it('the lines of one claim_id make one record: dates spanned, first non-empty fields, amounts summed, codes distinct in order', () => {
    const { claims, bad } = tuvaClaims(
      lines(
        [
          'P1,1,professional,PER1,,,2026-02-03,2026-02-03,,,,,99214,,1234567893,120.50,E119',
          'P1,2,professional,PER1,,,2026-02-01,2026-02-02,,,,,99214,,,30.25,',
          'P1,3,professional,PER1,,,2026-02-01,2026-02-05,,,,,G0439,,,0,',
        ].join('\n'),
      ),
    );
    expect(bad).toEqual([]);
    expect(claims).toEqual([
      {
        lines: [2, 3, 4],
        value: {
          claimId: 'P1',
          claimControlNumber: 'P1',
          adjustmentType: 'ORIGINAL',
          mbi: 'PER1',
          claimType: 'PROFESSIONAL',
          fromDate: '2026-02-01',
          thruDate: '2026-02-05',
          admissionDate: null,
          dischargeDate: null,
          drg: null,
          principalDiagnosis: 'E119',
          facilityId: null,
          billingProviderNpi: '1234567893',
          paidAmountCents: 15_075,
          hcpcsCodes: ['99214', 'G0439'],
        },
      },
    ]);
  });

  it('an institutional claim whose lines repeat one amount counts it once; differing amounts are summed', () => {
    const stay = [
      'I1,1,institutional,,MBI1,,2026-03-02,2026-03-05,2026-03-02,2026-03-05,0111,470,,F1,,14000.00,M170',
      'I1,2,institutional,,MBI1,,2026-03-02,2026-03-05,,,0111,,,F1,,14000.00,',
    ].join('\n');
    const [claim] = tuvaClaims(lines(stay)).claims;
    expect(claim!.value).toMatchObject({
      claimType: 'INPATIENT',
      drg: '470',
      facilityId: 'F1',
      admissionDate: '2026-03-02',
      paidAmountCents: 1_400_000,
      mbi: 'MBI1',
    });
    const outpatient = [
      'O1,1,institutional,,MBI1,,2026-05-12,2026-05-12,,,0131,,27447,F2,,9000,',
      'O1,2,institutional,,MBI1,,2026-05-12,2026-05-12,,,0131,,J1885,F2,,2000,',
    ].join('\n');
    expect(tuvaClaims(lines(outpatient)).claims[0]!.value).toMatchObject({
      claimType: 'OUTPATIENT',
      paidAmountCents: 1_100_000,
      hcpcsCodes: ['27447', 'J1885'],
    });
  });

  it('claim types from the bill type (leading zero dropped): 11/12 inpatient, 21/22 SNF, 32-34 HHA, 81/82 hospice, else outpatient; dme', () => {
    const typeOf = (kind: string, bill: string) =>
      tuvaClaims(lines(`X,1,${kind},,M,,2026-01-02,2026-01-03,,,${bill},,,,,10,`)).claims[0]!.value.claimType;
    expect(
      ['0111', '121', '0211', '0221', '0321', '0331', '0341', '0811', '0821', '0131', '0851', ''].map((b) =>
        typeOf('institutional', b),
      ),
    ).toEqual([
      'INPATIENT',
      'INPATIENT',
      'SNF',
      'SNF',
      'HHA',
      'HHA',
      'HHA',
      'HOSPICE',
      'HOSPICE',
      'OUTPATIENT',
      'OUTPATIENT',
      'OUTPATIENT',
    ]);
    expect(typeOf('dme', '')).toBe('DME');
    expect(typeOf('Professional', '')).toBe('PROFESSIONAL');
  });

  it('a negative claim is a cancellation of the absolute amount; the beneficiary is member_id, else person_id, else patient_id', () => {
    const [c] = tuvaClaims(lines('N1,1,professional,PER,,PAT,2026-02-01,2026-02-01,,,,,,,,-75.10,')).claims;
    expect(c!.value).toMatchObject({ adjustmentType: 'CANCELLATION', paidAmountCents: 7_510, mbi: 'PER' });
    expect(tuvaClaims(lines('N2,1,professional,,,PAT,2026-02-01,2026-02-01,,,,,,,,5,')).claims[0]!.value.mbi).toBe(
      'PAT',
    );
    expect(tuvaClaims(lines('N3,1,professional,,,,2026-02-01,2026-02-01,,,,,,,,5,')).claims[0]!.value.mbi).toBeNull();
  });

  it('a bad line makes its whole claim bad, reported with the line number; other claims are kept', () => {
    const { claims, bad } = tuvaClaims(
      lines(
        [
          'B1,1,professional,P,,,2026-02-01,2026-02-01,,,,,,,,10,',
          'B1,2,professional,P,,,2026-02-31,2026-02-01,,,,,,,,10,',
          'B2,1,professional,P,,,2026-02-01,2026-02-01,,,,,,,,ten,',
          'B3,1,professional,P,,,2026-02-01,2026-02-01,,,,,,,,,',
          'B4,1,medical,P,,,2026-02-01,2026-02-01,,,,,,,,10,',
          'B5,1,institutional,P,,,2026-02-01,2026-02-01,2026-13-01,,0111,,,,,10,',
          'OK,1,professional,P,,,2026-02-01,2026-02-01,,,,,,,,10,',
        ].join('\n'),
      ),
    );
    expect(claims.map((c) => c.value.claimId)).toEqual(['OK']);
    expect(bad.map((b) => `${b.line} ${b.claimId}: ${b.reason}`)).toEqual([
      "3 B1: claim_start_date '2026-02-31' is not an ISO date YYYY-MM-DD",
      "4 B2: paid_amount 'ten' is not a number",
      '5 B3: paid_amount is empty',
      "6 B4: claim_type 'medical' is not professional, institutional or dme",
      "7 B5: admission_date '2026-13-01' is not an ISO date YYYY-MM-DD",
    ]);
  });

  it('dollars to cents exactly, half a cent rounded away from zero', () => {
    expect([
      dollarsToCents('0.1'),
      dollarsToCents('1234.56'),
      dollarsToCents('.5'),
      dollarsToCents('10'),
      dollarsToCents('2.345'),
      dollarsToCents('-2.345'),
    ]).toEqual([10, 123_456, 50, 1_000, 235, -235]);
  });

  it('CSV: quoted fields with commas, doubled quotes and line breaks; CRLF; blank lines skipped', () => {
    const records = [...csvRecords('a,b\r\n"x, y","say ""hi"""\n\n"multi\nline",2\n')];
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 4, fields: ['multi\nline', '2'] },
    ]);
  });
});
