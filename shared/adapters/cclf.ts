import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isIsoDate } from '../domain/dates.ts';

/**
 * CMS Claim and Claim Line Feed files (contract 5.3) as claim records of contract 2. Layouts are
 * data (reference/cclf-layouts.json); translation only: the records are then checked and applied
 * like any other producer's.
 */
export type CclfType = 'CCLF1' | 'CCLF5' | 'CCLF6' | 'CCLF8' | 'CCLF9';
type Layout = { name: string; fields: Record<string, [number, number]> };

const LAYOUTS = (
  JSON.parse(readFileSync(fileURLToPath(new URL('../../reference/cclf-layouts.json', import.meta.url)), 'utf8')) as {
    fileTypes: Record<CclfType, Layout>;
  }
).fileTypes;

/** The widest end of a layout's fields: a shorter line is of the wrong width. */
const minWidth = (t: CclfType) =>
  Math.max(...Object.values(LAYOUTS[t].fields).map(([start, length]) => start + length - 1));

/**
 * A file's CCLF type from its name: `CCLF1.txt`, or CMS's `P.A1234.ACO.ZC1Y24.D240115.T0102030`
 * (ZC plus the type's character). Other CCLF types (2, 3, 4, 7, A, B) are known and ignored;
 * null for a name that says no CCLF type.
 */
export function cclfTypeOf(fileName: string): CclfType | 'ignored' | null {
  const m = /CCLF([0-9AB])(?![0-9])/i.exec(fileName) ?? /\.ZC([0-9AB])[YR]/i.exec(fileName);
  if (!m) return null;
  const t = `CCLF${m[1]!.toUpperCase()}`;
  return t in LAYOUTS ? (t as CclfType) : 'ignored';
}

/**
 * A fixed-width line from field values (the simulator writes CCLF files with it, tests their
 * fixtures): each value at its field's position, amounts right-aligned as CMS writes them, the
 * rest left-aligned, spaces between; as wide as the layout's widest field.
 */
export function formatCclfLine(type: CclfType, values: Record<string, string>): string {
  const fields = LAYOUTS[type].fields;
  const chars = Array.from({ length: minWidth(type) }, () => ' ');
  for (const [name, value] of Object.entries(values)) {
    const spec = fields[name];
    if (!spec) throw new Error(`${type} has no field ${name} in reference/cclf-layouts.json`);
    const [start, length] = spec;
    if (value.length > length) throw new Error(`${type} ${name} '${value}' is wider than ${length}`);
    const text = name.endsWith('_AMT') ? value.padStart(length) : value.padEnd(length);
    for (let i = 0; i < length; i++) chars[start - 1 + i] = text[i]!;
  }
  return chars.join('');
}

/** One fixed-width line's fields by name, trimmed. */
export function fieldsOf(type: CclfType, line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, [start, length]] of Object.entries(LAYOUTS[type].fields))
    out[name] = line.slice(start - 1, start - 1 + length).trim();
  return out;
}

/** `-9(n).99` dollars to cents; null when not an amount. */
export function cclfCents(text: string): number | null {
  const t = text.trim();
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) return null;
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] === '-' ? -cents : cents;
}

const ADJUSTMENT: Record<string, string> = { '0': 'ORIGINAL', '1': 'CANCELLATION', '2': 'ADJUSTMENT' };
const PART_A_TYPES: Record<string, string> = {
  '60': 'INPATIENT',
  '40': 'OUTPATIENT',
  '20': 'SNF',
  '30': 'SNF',
  '10': 'HHA',
  '50': 'HOSPICE',
};

/** The MBI crosswalk (CCLF9): each previous MBI to the beneficiary's current one, following chains. */
export function crosswalk(lines: { line: string }[]): Map<string, string> {
  const next = new Map<string, string>();
  for (const { line } of lines) {
    const f = fieldsOf('CCLF9', line);
    if (f.PRVS_NUM && f.CRNT_NUM && f.PRVS_NUM !== f.CRNT_NUM) next.set(f.PRVS_NUM, f.CRNT_NUM);
  }
  const current = new Map<string, string>();
  for (const start of next.keys()) {
    let mbi = start;
    const seen = new Set<string>();
    while (next.has(mbi) && !seen.has(mbi)) {
      seen.add(mbi);
      mbi = next.get(mbi)!;
    }
    current.set(start, mbi);
  }
  return current;
}

export type CclfResult = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

const bad = (reason: string): CclfResult => ({ ok: false, reason });

function date(f: Record<string, string>, name: string, required: boolean): string | null | false {
  const v = f[name] ?? '';
  if (v === '') return required ? false : null;
  return isIsoDate(v) ? v : false;
}

/** A record's version fields (adjustment type, service and effective dates), or why they are bad. */
function versionOf(f: Record<string, string>) {
  const adjustmentType = ADJUSTMENT[f.CLM_ADJSMT_TYPE_CD!.replace(/^0(?=\d)/, '')];
  if (!adjustmentType) return `CLM_ADJSMT_TYPE_CD '${f.CLM_ADJSMT_TYPE_CD}' is not 0, 1 or 2`;
  const from = date(f, 'CLM_FROM_DT', true);
  const thru = date(f, 'CLM_THRU_DT', true);
  const effective = date(f, 'CLM_EFCTV_DT', false);
  if (from === false) return `CLM_FROM_DT '${f.CLM_FROM_DT}' is not a date YYYY-MM-DD`;
  if (thru === false) return `CLM_THRU_DT '${f.CLM_THRU_DT}' is not a date YYYY-MM-DD`;
  if (effective === false) return `CLM_EFCTV_DT '${f.CLM_EFCTV_DT}' is not a date YYYY-MM-DD`;
  return { adjustmentType, from: from!, thru: thru!, effective };
}

/** One CCLF1 (Part A header) line as a claim record, or why it is bad. */
export function partAClaim(line: string, mbis: Map<string, string>): CclfResult {
  if (line.length < minWidth('CCLF1'))
    return bad(`line is ${line.length} characters, a CCLF1 record has at least ${minWidth('CCLF1')}`);
  const f = fieldsOf('CCLF1', line);
  const claimType = PART_A_TYPES[f.CLM_TYPE_CD!];
  if (!claimType) return bad(`CLM_TYPE_CD '${f.CLM_TYPE_CD}' is not a Part A claim type (60, 40, 20, 30, 10, 50)`);
  const version = versionOf(f);
  if (typeof version === 'string') return bad(version);
  const { adjustmentType, from, thru, effective } = version;
  const amounts: Record<string, number> = {};
  for (const name of ['CLM_PMT_AMT', 'CLM_OPRTNL_IME_AMT', 'CLM_OPRTNL_DSPRPRTNT_AMT']) {
    const text = f[name]!;
    // A blank IME or DSH amount is 0; a blank payment is not an amount.
    const cents = text === '' && name !== 'CLM_PMT_AMT' ? 0 : cclfCents(text);
    if (cents === null) return bad(`${name} '${text}' is not an amount`);
    if (cents < 0) return bad(`${name} ${text} is negative`);
    amounts[name] = cents;
  }
  const mbi = mbis.get(f.BENE_MBI_ID!) ?? f.BENE_MBI_ID!;
  const drg = f.DGNS_DRG_CD!.length === 4 && f.DGNS_DRG_CD!.startsWith('0') ? f.DGNS_DRG_CD!.slice(1) : f.DGNS_DRG_CD!;
  return {
    ok: true,
    value: {
      claimId: f.CUR_CLM_UNIQ_ID,
      claimControlNumber: [f.PRVDR_OSCAR_NUM, f.CLM_FROM_DT, f.CLM_THRU_DT, mbi].join('|'),
      adjustmentType,
      mbi,
      claimType,
      fromDate: from,
      thruDate: thru,
      drg: drg || null,
      principalDiagnosis: f.PRNCPL_DGNS_CD || null,
      facilityId: f.PRVDR_OSCAR_NUM || null,
      billingProviderNpi: f.CLM_BLG_PRVDR_NPI_NUM || null,
      paidAmountCents: amounts.CLM_PMT_AMT,
      imeAmountCents: amounts.CLM_OPRTNL_IME_AMT,
      dshAmountCents: amounts.CLM_OPRTNL_DSPRPRTNT_AMT,
      nonPaymentReasonCode: f.CLM_MDCR_NPMT_RSN_CD || null,
      effectiveDate: effective,
    },
  };
}

/** One CCLF5 (Part B physician) or CCLF6 (Part B DME) line as a claim record, or why it is bad. */
export function partBLine(type: 'CCLF5' | 'CCLF6', line: string, mbis: Map<string, string>): CclfResult {
  if (line.length < minWidth(type))
    return bad(`line is ${line.length} characters, a ${type} record has at least ${minWidth(type)}`);
  const f = fieldsOf(type, line);
  if (!/^\d+$/.test(f.CLM_LINE_NUM!)) return bad(`CLM_LINE_NUM '${f.CLM_LINE_NUM}' is not a number`);
  const lineNumber = String(Number(f.CLM_LINE_NUM));
  const version = versionOf(f);
  if (typeof version === 'string') return bad(version);
  const { adjustmentType, from, thru, effective } = version;
  const paid = cclfCents(f.CLM_LINE_CVRD_PD_AMT!);
  if (paid === null) return bad(`CLM_LINE_CVRD_PD_AMT '${f.CLM_LINE_CVRD_PD_AMT}' is not an amount`);
  if (paid < 0) return bad(`CLM_LINE_CVRD_PD_AMT ${f.CLM_LINE_CVRD_PD_AMT} is negative`);
  const denied = f.CLM_CARR_PMT_DNL_CD === '0';
  return {
    ok: true,
    value: {
      claimId: `${f.CUR_CLM_UNIQ_ID}-${lineNumber}`,
      claimControlNumber: `${f.CLM_CNTL_NUM}-${lineNumber}`,
      adjustmentType,
      mbi: mbis.get(f.BENE_MBI_ID!) ?? f.BENE_MBI_ID!,
      claimType: type === 'CCLF5' ? 'PROFESSIONAL' : 'DME',
      fromDate: from,
      thruDate: thru,
      principalDiagnosis: f.CLM_LINE_DGNS_CD || null,
      billingProviderNpi: f.RNDRG_PRVDR_NPI_NUM || null,
      paidAmountCents: paid,
      nonPaymentReasonCode: denied ? f.CLM_CARR_PMT_DNL_CD : null,
      effectiveDate: effective,
      hcpcsCodes: f.CLM_LINE_HCPCS_CD ? [f.CLM_LINE_HCPCS_CD] : null,
    },
  };
}
