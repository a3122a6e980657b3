import { isIsoDate } from '../domain/dates.ts';

/**
 * The Tuva Project input layer's `medical_claim` (contract 5.2) as claim records of contract 2: the
 * lines of one `claim_id` make one record. Translation only: the record is then checked and applied
 * like any other producer's (validate.ts, the services).
 */
export interface TuvaLine {
  /** The file's line number (for reports). */
  line: number;
  row: Record<string, string>;
}

export interface TuvaClaim {
  /** The claim record (contract 2 `claims` value). */
  value: Record<string, unknown>;
  /** The file lines it was made from. */
  lines: number[];
}

export interface TuvaBad {
  claimId: string;
  line: number;
  reason: string;
  lines: number[];
}

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)$/;
const DATES = ['claim_start_date', 'claim_end_date', 'admission_date', 'discharge_date'] as const;

/** Institutional claim type by the first two digits of the bill type (leading zero dropped). */
function institutionalType(billType: string): string {
  const digits = billType.trim().replace(/^0/, '').slice(0, 2);
  if (digits === '11' || digits === '12') return 'INPATIENT';
  if (digits === '21' || digits === '22') return 'SNF';
  if (digits === '32' || digits === '33' || digits === '34') return 'HHA';
  if (digits === '81' || digits === '82') return 'HOSPICE';
  return 'OUTPATIENT';
}

/** Dollars as written ("1234.5") to whole cents, exactly (no floating point). */
export function dollarsToCents(text: string): number {
  const t = text.trim();
  const negative = t.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? t.slice(1) : t).split('.');
  const cents =
    Number(whole || '0') * 100 + Number((fraction + '00').slice(0, 2)) + (Number(fraction[2] ?? '0') >= 5 ? 1 : 0);
  return negative ? -cents : cents;
}

/** Why a line makes its claim bad, or null. */
function lineProblem(row: Record<string, string>): string | null {
  const paid = (row.paid_amount ?? '').trim();
  if (paid === '') return 'paid_amount is empty';
  if (!NUMBER.test(paid)) return `paid_amount '${paid}' is not a number`;
  for (const name of DATES) {
    const d = (row[name] ?? '').trim();
    if ((name === 'claim_start_date' || name === 'claim_end_date' || d !== '') && !isIsoDate(d))
      return `${name} '${d}' is not an ISO date YYYY-MM-DD`;
  }
  const type = (row.claim_type ?? '').trim().toLowerCase();
  if (type !== 'professional' && type !== 'institutional' && type !== 'dme')
    return `claim_type '${row.claim_type ?? ''}' is not professional, institutional or dme`;
  return null;
}

const firstNonEmpty = (rows: Record<string, string>[], name: string): string | null => {
  for (const r of rows) {
    const v = (r[name] ?? '').trim();
    if (v !== '') return v;
  }
  return null;
};

/** The claims of a file's lines, in order of each claim's first line; bad claims with the first bad line's number and reason. */
export function tuvaClaims(lines: Iterable<TuvaLine>): { claims: TuvaClaim[]; bad: TuvaBad[] } {
  const byClaim = new Map<string, TuvaLine[]>();
  const bad: TuvaBad[] = [];
  for (const l of lines) {
    const id = (l.row.claim_id ?? '').trim();
    if (id === '') {
      bad.push({ claimId: '', line: l.line, reason: 'claim_id is empty', lines: [l.line] });
      continue;
    }
    const list = byClaim.get(id);
    if (list) list.push(l);
    else byClaim.set(id, [l]);
  }
  const claims: TuvaClaim[] = [];
  for (const [claimId, group] of byClaim) {
    const numbers = group.map((l) => l.line);
    const problem = group.map((l) => ({ line: l.line, reason: lineProblem(l.row) })).find((p) => p.reason !== null);
    if (problem) {
      bad.push({ claimId, line: problem.line, reason: problem.reason!, lines: numbers });
      continue;
    }
    const rows = group.map((l) => l.row);
    const kind = rows[0]!.claim_type!.trim().toLowerCase();
    const claimType =
      kind === 'professional'
        ? 'PROFESSIONAL'
        : kind === 'dme'
          ? 'DME'
          : institutionalType(firstNonEmpty(rows, 'bill_type_code') ?? '');
    const amounts = rows.map((r) => dollarsToCents(r.paid_amount!));
    // A header amount repeated on every revenue line of an institutional claim (CCLF-derived files) counts once.
    const repeated = kind === 'institutional' && amounts.every((a) => a === amounts[0]);
    const paid = repeated ? amounts[0]! : amounts.reduce((a, b) => a + b, 0);
    const starts = rows.map((r) => r.claim_start_date!.trim()).sort();
    const ends = rows.map((r) => r.claim_end_date!.trim()).sort();
    const codes: string[] = [];
    for (const r of rows) {
      const code = (r.hcpcs_code ?? '').trim();
      if (code !== '' && !codes.includes(code)) codes.push(code);
    }
    const mbi =
      firstNonEmpty(rows, 'member_id') ?? firstNonEmpty(rows, 'person_id') ?? firstNonEmpty(rows, 'patient_id');
    claims.push({
      lines: numbers,
      value: {
        claimId,
        claimControlNumber: claimId,
        // A negative claim is a cancellation of the absolute amount: its signed sum is unchanged.
        adjustmentType: paid < 0 ? 'CANCELLATION' : 'ORIGINAL',
        mbi,
        claimType,
        fromDate: starts[0],
        thruDate: ends[ends.length - 1],
        admissionDate: firstNonEmpty(rows, 'admission_date'),
        dischargeDate: firstNonEmpty(rows, 'discharge_date'),
        drg: firstNonEmpty(rows, 'ms_drg_code'),
        principalDiagnosis: firstNonEmpty(rows, 'diagnosis_code_1'),
        facilityId: firstNonEmpty(rows, 'facility_npi'),
        billingProviderNpi: firstNonEmpty(rows, 'billing_npi'),
        paidAmountCents: Math.abs(paid),
        hcpcsCodes: codes.length > 0 ? codes : null,
      },
    });
  }
  return { claims, bad };
}
