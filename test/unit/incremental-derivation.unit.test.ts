import { describe, expect, it } from 'vitest';
import { derive, restoreDerived, snapshotJson, type Derived } from '../../shared/domain/derive.ts';
import { diff } from '../../shared/domain/diff.ts';
import type { AcoDelta } from '../../shared/domain/facts.ts';
import {
  addTotals,
  addTotalsToSummary,
  changesOnlyTotals,
  summaryOf,
} from '../../shared/domain/incremental-derivation.ts';
import { decodeSummary, encodeSummary } from '../../shared/engine/summary-codec.ts';
import type { AttributionFact, BeneficiaryFacts, ClaimFact, ClaimType } from '../../shared/domain/facts.ts';
import { decodeFact, encodeFact } from '../../shared/engine/fact-codec.ts';
import { Seeded } from '../../shared/random/seeded.ts';
import { claim, discharge, factsWith } from '../support/facts.ts';

const reference = { prices: { 'BPCI_A|MJRLE|*': 2_500_000, 'TEAM|LEJR|*': 2_600_000 }, overrunThresholds: [80, 100] };
const TYPES: ClaimType[] = ['PROFESSIONAL', 'OUTPATIENT', 'SNF', 'HHA', 'DME', 'HOSPICE', 'INPATIENT', 'INPATIENT'];

/**
 * A random claim record of 2025-2027, sometimes a cancellation or adjustment of an earlier one, sometimes denied,
 * sometimes of zero.
 */
function randomClaim(rnd: Seeded, n: number, earlier: ClaimFact[]): ClaimFact {
  const date = `${2025 + rnd.int(0, 2)}-${String(1 + rnd.int(0, 11)).padStart(2, '0')}-${String(1 + rnd.int(0, 27)).padStart(2, '0')}`;
  const of = earlier.length > 0 && rnd.next() < 0.3 ? rnd.pick(earlier) : null;
  const claimType = of?.claimType ?? rnd.pick(TYPES);
  // Inpatient records: half with a trigger DRG (they anchor episodes), and records of one claim
  // need not agree on it (an adjustment without the DRG of the original it revives).
  const drg = claimType === 'INPATIENT' && rnd.next() < 0.5 ? '470' : null;
  // Outpatient knee replacements (TEAM anchors) and office visits (they close follow-ups), whose
  // versions need not agree on the codes either.
  const code = claimType === 'OUTPATIENT' ? '27447' : claimType === 'PROFESSIONAL' ? '99214' : null;
  const hcpcsCodes = code !== null && rnd.next() < 0.3 ? [code] : [];
  return claim({
    hcpcsCodes,
    effectiveDate: rnd.next() < 0.3 ? date : null,
    claimId: `C${n}`,
    claimControlNumber: of?.claimControlNumber ?? `C${n}`,
    adjustmentType: of ? rnd.pick(['CANCELLATION', 'ADJUSTMENT'] as const) : 'ORIGINAL',
    claimType,
    drg,
    fromDate: of?.fromDate ?? date,
    thruDate: of?.thruDate ?? date,
    admissionDate: claimType === 'INPATIENT' ? (of?.fromDate ?? date) : null,
    dischargeDate: claimType === 'INPATIENT' ? (of?.thruDate ?? date) : null,
    paidAmountCents: rnd.next() < 0.05 ? 0 : rnd.int(0, 499_999),
    imeAmountCents: rnd.int(0, 99),
    dshAmountCents: rnd.int(0, 99),
    denied: rnd.next() < 0.05,
  });
}

function randomAttributions(rnd: Seeded): AttributionFact[] {
  const out: AttributionFact[] = [];
  for (let i = 0; i < rnd.int(0, 3); i++) {
    const from = `${2025 + rnd.int(0, 2)}-${String(1 + rnd.int(0, 11)).padStart(2, '0')}-01`;
    out.push({
      seq: String(i).padStart(20, '0'),
      acoId: rnd.pick(['A1', 'A2', 'A3']),
      effectiveFrom: from,
      effectiveTo: rnd.next() < 0.5 ? null : `${Number(from.slice(0, 4)) + rnd.int(0, 1)}-12-31`,
    });
  }
  return out;
}

/** A beneficiary with a random roster; some were discharged home, so a visit can close their follow-up. */
function randomBeneficiary(rnd: Seeded): BeneficiaryFacts {
  const facts = factsWith({});
  for (const a of randomAttributions(rnd)) facts.attributions.set(a.seq, a);
  if (rnd.next() < 0.4) {
    const admitted = `2026-${String(1 + rnd.int(0, 11)).padStart(2, '0')}-${String(1 + rnd.int(0, 20)).padStart(2, '0')}`;
    facts.discharges.set(
      'E1',
      discharge({ encounterId: 'E1', admitDate: admitted, dischargeDate: admitted, disposition: '01' }),
    );
  }
  return facts;
}

/** Deltas as plain objects without the zeros (a zero adds nothing to a total). */
const flat = (d: AcoDelta) =>
  new Map<string, number>([
    ['expenditureCents', d.expenditureCents],
    ['claimRecords', d.claimRecords],
    ['beneficiaries', d.beneficiaries],
    ...Object.entries(d.byClaimType).map(([t, n]) => [`type ${t}`, n] as [string, number]),
    ...Object.entries(d.byServiceMonth).map(([m, n]) => [`month ${m}`, n] as [string, number]),
  ]);
const nonZero = (deltas: Map<string, AcoDelta> | Record<string, AcoDelta>) =>
  Object.fromEntries(
    [...(deltas instanceof Map ? deltas : Object.entries(deltas))]
      .map(([k, d]) => [k, Object.fromEntries([...flat(d)].filter(([, n]) => n !== 0))] as const)
      .filter(([, d]) => Object.keys(d).length > 0),
  );

const withClaims = (facts: BeneficiaryFacts, claims: ClaimFact[]): BeneficiaryFacts => {
  const out = { ...facts, claims: new Map(facts.claims) };
  for (const c of claims) out.claims.set(c.claimId, c);
  return out;
};

interface RandomBatch {
  /** The beneficiary's first batch. */
  first: boolean;
  facts: BeneficiaryFacts;
  derived: Derived;
  claims: ClaimFact[];
  after: BeneficiaryFacts;
  full: Derived;
}

/** 1,500 random beneficiaries with 4 batches of claim records each, each evolved from the state the one before left. */
function* randomBatches(seed: number): Generator<RandomBatch> {
  const rnd = new Seeded(seed);
  for (let b = 0; b < 1_500; b++) {
    let facts = randomBeneficiary(rnd);
    let derived = derive('M', facts, reference);
    let n = 0;
    for (let batch = 0; batch < 4; batch++) {
      const claims: ClaimFact[] = [];
      for (let i = rnd.int(0, 5); i >= 0; i--)
        claims.push(randomClaim(rnd, n++, [...facts.claims.values(), ...claims]));
      const after = withClaims(facts, claims);
      const full = derive('M', after, reference);
      yield { first: batch === 0, facts, derived, claims, after, full };
      facts = after;
      derived = full;
    }
  }
}

describe('incremental derivation: claim records that change only totals are added without deriving again', () => {
  it('gives the same derived state and the same ACO deltas as derive() and diff(), over 1,500 random beneficiaries', () => {
    let checked = 0;
    let withEpisodes = 0;
    for (const { facts, derived, claims, after, full } of randomBatches(11)) {
      if (claims.every((c) => changesOnlyTotals(c, derived, after))) {
        const expected = nonZero(diff(derived, full).acoDeltas);
        const deltas = nonZero(addTotals(derived, claims, [...facts.attributions.values()]));
        expect(derived).toEqual(full);
        expect(deltas).toEqual(expected);
        checked++;
      }
      if (full.episodes.length > 0) withEpisodes++;
    }
    expect(checked).toBeGreaterThan(300);
    expect(withEpisodes).toBeGreaterThan(50);
  });

  it('on the stored summary alone (no claim record read), gives the ACO deltas of derive() and diff() and the summary after', () => {
    let bySummary = 0;
    let whole = 0;
    let stored = '';
    for (const { first, facts, derived, claims, after, full } of randomBatches(23)) {
      // What the whole path stores with every commit; the summary path keeps it up to date between them.
      if (first) stored = encodeSummary(summaryOf(derived, facts));
      const added = addTotalsToSummary(decodeSummary(stored)!, claims);
      if (added) {
        expect(nonZero(added.acoDeltas)).toEqual(nonZero(diff(derived, full).acoDeltas));
        const expected = summaryOf(full, after);
        expect([...added.summary.counted].sort()).toEqual([...expected.counted].sort());
        expect(added.summary.hasEpisodes).toBe(false);
        expect(expected.hasEpisodes).toBe(false);
        stored = encodeSummary(added.summary);
        bySummary++;
      } else {
        stored = encodeSummary(summaryOf(full, after));
        whole++;
      }
    }
    expect(bySummary).toBeGreaterThan(1_000);
    expect(whole).toBeGreaterThan(300);
  });

  it('a stored summary reads back as it was, whatever order its facts were read in', () => {
    const summary = {
      hasEpisodes: false,
      hasDischarges: true,
      ruleClaims: new Set(['C2', 'C1']),
      attributions: [
        { seq: '2', acoId: 'A2', effectiveFrom: '2026-01-01', effectiveTo: null },
        { seq: '1', acoId: 'A1', effectiveFrom: '2025-01-01', effectiveTo: '2025-12-31' },
      ],
      counted: ['A2|2026', 'A1|2025'],
    };
    const text = encodeSummary(summary);
    const back = decodeSummary(text)!;
    expect(back.ruleClaims).toEqual(new Set(['C1', 'C2']));
    expect([...back.attributions].sort((a, b) => (a.seq < b.seq ? -1 : 1))).toEqual(
      [...summary.attributions].sort((a, b) => (a.seq < b.seq ? -1 : 1)),
    );
    expect(encodeSummary({ ...summary, ruleClaims: new Set(['C1', 'C2']), counted: ['A1|2025', 'A2|2026'] })).toBe(
      text,
    );
    expect(decodeSummary('')).toBeNull();
    expect(decodeSummary(null)).toBeNull();
  });

  it('a record that could anchor an episode, or any record of a beneficiary with one, goes through derive()', () => {
    const none = derive('M', factsWith({}), reference);
    const noClaims = factsWith({});
    expect(changesOnlyTotals(claim({ claimId: 'P1' }), none, noClaims)).toBe(true);
    expect(changesOnlyTotals(claim({ claimId: 'I1', claimType: 'INPATIENT' }), none, noClaims)).toBe(true);
    const anchoring = claim({
      claimId: 'I2',
      claimType: 'INPATIENT',
      drg: '470',
      admissionDate: '2026-03-01',
      dischargeDate: '2026-03-04',
    });
    expect(changesOnlyTotals(anchoring, none, noClaims)).toBe(false);
    // A cancelled anchoring original, then an adjustment without a DRG brings it back in force.
    const cancelled = factsWith({
      claims: [anchoring, { ...anchoring, claimId: 'I2X', adjustmentType: 'CANCELLATION' }],
    });
    expect(derive('M', cancelled, reference).episodes).toEqual([]);
    const revive = claim({
      claimId: 'I2A',
      claimControlNumber: 'I2',
      claimType: 'INPATIENT',
      adjustmentType: 'ADJUSTMENT',
    });
    expect(changesOnlyTotals(revive, derive('M', cancelled, reference), cancelled)).toBe(false);
    const withEpisode = derive(
      'M',
      factsWith({
        discharges: [
          discharge({ encounterId: 'E1', admitDate: '2026-03-01', dischargeDate: '2026-03-04', drg: '470' }),
        ],
      }),
      reference,
    );
    expect(withEpisode.episodes.length).toBe(1);
    expect(changesOnlyTotals(claim({ claimId: 'P1' }), withEpisode, noClaims)).toBe(false);
    // An outpatient knee replacement could anchor a TEAM episode; an office visit matters once there is a discharge.
    expect(
      changesOnlyTotals(claim({ claimId: 'O1', claimType: 'OUTPATIENT', hcpcsCodes: ['27447'] }), none, noClaims),
    ).toBe(false);
    const visit = claim({ claimId: 'V1', hcpcsCodes: ['99214'] });
    expect(changesOnlyTotals(visit, none, noClaims)).toBe(true);
    const discharged = factsWith({
      discharges: [discharge({ encounterId: 'E1', admitDate: '2026-03-01', dischargeDate: '2026-03-04' })],
    });
    expect(changesOnlyTotals(visit, derive('M', discharged, reference), discharged)).toBe(false);
  });
});

describe('stored state: the snapshot and the facts give back the derived state', () => {
  it('totals are derived again from the facts on read, the rest comes from the snapshot', () => {
    const facts = factsWith({
      claims: [
        claim({ claimId: 'P1', paidAmountCents: 1_000 }),
        claim({
          claimId: 'I1',
          claimType: 'INPATIENT',
          drg: '470',
          fromDate: '2026-03-01',
          thruDate: '2026-03-04',
          admissionDate: '2026-03-01',
          dischargeDate: '2026-03-04',
          paidAmountCents: 2_400_000,
        }),
      ],
    });
    facts.attributions.set('1', { seq: '1', acoId: 'A1', effectiveFrom: '2026-01-01', effectiveTo: null });
    const derived = derive('M', facts, reference);
    expect(derived.episodes.length).toBe(1);
    expect(JSON.parse(snapshotJson(derived))).not.toHaveProperty('acos');
    expect(restoreDerived(snapshotJson(derived), facts)).toEqual(derived);
    expect(restoreDerived('', factsWith({}))).toEqual(derive('M', factsWith({}), reference));
  });

  it('claim records round-trip through their stored form, which is smaller than their JSON', () => {
    const c = claim({
      claimId: 'C-1"x',
      claimControlNumber: 'CCN|1',
      claimType: 'INPATIENT',
      drg: '470',
      facilityId: 'F\\1',
      admissionDate: '2026-03-01',
      dischargeDate: '2026-03-04',
      paidAmountCents: 12_345,
      imeAmountCents: 10,
      dshAmountCents: 5,
      denied: true,
    });
    const stored = encodeFact(`c:${c.claimId}`, c);
    expect(decodeFact(`c:${c.claimId}`, stored)).toEqual(c);
    expect(stored.length).toBeLessThan(JSON.stringify(c).length / 2);
    // Records stored as JSON objects (earlier versions) are read as they are.
    expect(decodeFact(`c:${c.claimId}`, JSON.stringify(c))).toEqual(c);
  });
});
