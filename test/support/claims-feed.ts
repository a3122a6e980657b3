import { addDays, yearOf } from '../../shared/domain/dates.ts';
import { Seeded } from '../../shared/random/seeded.ts';

/** A claims record as published (the Avro value). */
export interface ClaimValue {
  claimId: string;
  claimControlNumber: string;
  adjustmentType: 'ORIGINAL' | 'CANCELLATION' | 'ADJUSTMENT';
  mbi: string;
  claimType: string;
  fromDate: string;
  thruDate: string;
  admissionDate: null;
  dischargeDate: null;
  drg: null;
  principalDiagnosis: null;
  facilityId: string | null;
  billingProviderNpi: string | null;
  paidAmountCents: number;
  imeAmountCents: number | null;
  dshAmountCents: number | null;
  nonPaymentReasonCode: string | null;
  effectiveDate: null;
}

export interface AttributionValue {
  mbi: string;
  acoId: string;
  effectiveFrom: string;
  effectiveTo: string | null;
}

/** How a bad record is bad; the test turns each into bytes on the claims topic. */
export type BadKind =
  | 'undecodable'
  | 'unknown-schema'
  | 'missing-mbi'
  | 'missing-claimId'
  | 'negative-amount'
  | 'thru-before-from'
  | 'unknown-enum';
export const BAD_KINDS: readonly BadKind[] = [
  'undecodable',
  'unknown-schema',
  'missing-mbi',
  'missing-claimId',
  'negative-amount',
  'thru-before-from',
  'unknown-enum',
];

export type FeedRecord = { good: ClaimValue } | { bad: BadKind; mbi: string; value: ClaimValue };

export interface Totals {
  expenditureCents: number;
  claimRecords: number;
}

export interface ClaimsFeed {
  attribution: AttributionValue[];
  /** Claims records in publish order: originals, duplicates, cancellations, adjustments, denials and bad records. */
  records: FeedRecord[];
  /** Totals by `ACO|year`, computed here by plain arithmetic, independently of the product's rules module. */
  expected: Record<string, Totals>;
}

const ACOS = ['A-NORTH', 'A-SOUTH', 'A-WEST'];
const TYPES = [
  'PROFESSIONAL',
  'PROFESSIONAL',
  'PROFESSIONAL',
  'OUTPATIENT',
  'OUTPATIENT',
  'INPATIENT',
  'SNF',
  'HHA',
  'DME',
];

/**
 * A deterministic claims feed: `total` records over `beneficiaries` people, with ~5% duplicate
 * publishes, ~3% cancellations (half of them re-adjusted), ~2% denials and exactly 1% bad records.
 * Attribution: most beneficiaries in one ACO all year, some switching ACO on July 1, some in none.
 */
export function claimsFeed(seed: number, total: number, beneficiaries: number): ClaimsFeed {
  const rnd = new Seeded(seed);
  const mbis = Array.from({ length: beneficiaries }, (_, i) => `9T${String(i).padStart(9, '0')}`);
  const attribution: AttributionValue[] = [];
  const acoOf = new Map<string, (date: string) => string | null>();
  for (const mbi of mbis) {
    const r = rnd.next();
    if (r < 0.7) {
      const aco = rnd.pick(ACOS);
      attribution.push({ mbi, acoId: aco, effectiveFrom: '2025-01-01', effectiveTo: null });
      acoOf.set(mbi, (d) => (d >= '2025-01-01' ? aco : null));
    } else if (r < 0.85) {
      const [first, second] = [rnd.pick(ACOS), rnd.pick(ACOS)];
      attribution.push({ mbi, acoId: first, effectiveFrom: '2025-01-01', effectiveTo: '2026-06-30' });
      attribution.push({ mbi, acoId: second, effectiveFrom: '2026-07-01', effectiveTo: null });
      acoOf.set(mbi, (d) => (d < '2025-01-01' ? null : d <= '2026-06-30' ? first : second));
    } else {
      acoOf.set(mbi, () => null);
    }
  }

  const badCount = Math.floor(total / 100);
  const good: ClaimValue[] = [];
  const originals: ClaimValue[] = [];
  let n = 0;
  while (good.length < total - badCount) {
    const r = rnd.next();
    if (r < 0.05 && good.length > 0) {
      good.push(rnd.pick(good)); // the same record published again
      continue;
    }
    if (r < 0.08 && originals.length > 0) {
      const orig = originals.splice(rnd.int(0, originals.length - 1), 1)[0]!;
      good.push({ ...orig, claimId: `${orig.claimId}-X`, adjustmentType: 'CANCELLATION' });
      if (rnd.chance(0.5) && good.length < total - badCount) {
        good.push({
          ...orig,
          claimId: `${orig.claimId}-A`,
          adjustmentType: 'ADJUSTMENT',
          paidAmountCents: orig.paidAmountCents + rnd.int(-500, 5000),
        });
      }
      continue;
    }
    const claimType = rnd.pick(TYPES);
    // One performance year, so no record of the feed is late for a year its own feed closed (expiry).
    const fromDate = addDays('2026-01-01', rnd.int(0, 350));
    const paid = claimType === 'INPATIENT' ? rnd.int(400000, 3000000) : rnd.int(2000, 90000);
    const claim: ClaimValue = {
      claimId: `CL${seed}-${n}`,
      claimControlNumber: `CCN${seed}-${n}`,
      adjustmentType: 'ORIGINAL',
      mbi: rnd.pick(mbis),
      claimType,
      fromDate,
      thruDate: addDays(fromDate, claimType === 'INPATIENT' ? rnd.int(2, 8) : rnd.int(0, 1)),
      admissionDate: null,
      dischargeDate: null,
      drg: null,
      principalDiagnosis: null,
      facilityId: null,
      billingProviderNpi: '1234567893',
      paidAmountCents: paid,
      imeAmountCents: claimType === 'INPATIENT' ? rnd.int(0, 20000) : null,
      dshAmountCents: claimType === 'INPATIENT' ? rnd.int(0, 10000) : null,
      nonPaymentReasonCode: rnd.chance(0.02) ? 'N' : null,
      effectiveDate: null,
    };
    n++;
    good.push(claim);
    if (claim.nonPaymentReasonCode === null) originals.push(claim);
  }

  // Bad records spread evenly through the feed, each kind in turn.
  const records: FeedRecord[] = good.map((g) => ({ good: g }));
  for (let i = 0; i < badCount; i++) {
    const template = good[rnd.int(0, good.length - 1)]!;
    const kind = BAD_KINDS[i % BAD_KINDS.length]!;
    const value: ClaimValue = { ...template, claimId: `BAD${seed}-${i}` };
    if (kind === 'missing-mbi') value.mbi = '';
    if (kind === 'missing-claimId') value.claimId = '';
    if (kind === 'negative-amount') value.paidAmountCents = -rnd.int(1, 100000);
    if (kind === 'thru-before-from') value.thruDate = addDays(value.fromDate, -1);
    records.splice(Math.floor(((i + 0.5) * records.length) / badCount), 0, { bad: kind, mbi: template.mbi, value });
  }

  // The oracle: each distinct claimId once; denied counts nothing; cancellations negate.
  const expected: Record<string, Totals> = {};
  const seen = new Set<string>();
  for (const c of good) {
    if (seen.has(c.claimId)) continue;
    seen.add(c.claimId);
    if (c.nonPaymentReasonCode !== null) continue;
    const aco = acoOf.get(c.mbi)!(c.thruDate);
    if (aco === null) continue;
    const countable = c.paidAmountCents - (c.imeAmountCents ?? 0) - (c.dshAmountCents ?? 0);
    const t = (expected[`${aco}|${yearOf(c.thruDate)}`] ??= { expenditureCents: 0, claimRecords: 0 });
    t.expenditureCents += c.adjustmentType === 'CANCELLATION' ? -countable : countable;
    t.claimRecords += 1;
  }
  return { attribution, records, expected };
}
