import { describe, expect, it } from 'vitest';
import { msspReconciliation, variableMsrPercent, type AcoContract } from '../../shared/domain/mssp.ts';

/**
 * The MSSP reconciliation matrix (contract 1.6), every expected amount worked by hand. Unless a
 * case says otherwise: $10,000 per capita x 10,000 beneficiaries = a $100M benchmark
 * (10,000,000,000 cents), variable MSR/MLR 3.0% at 10,000 beneficiaries, revenue $100M.
 */
const BENCHMARK = 10_000_000_000;
const contract = (p: Partial<AcoContract> = {}): AcoContract => ({
  acoId: 'A',
  performanceYear: 2026,
  track: 'BASIC_A',
  benchmarkPerCapitaCents: 1_000_000,
  assignedBeneficiaries: 10_000,
  msrMlr: 'VARIABLE',
  qualityGate: 'MET',
  qualityScore: 90,
  participantRevenueCents: BENCHMARK,
  ...p,
});
/** Expenditure for a savings rate in percent of the benchmark (negative = losses). */
const spend = (savingsPercent: number) => BENCHMARK - Math.round((BENCHMARK * savingsPercent) / 100);

type Case = [
  name: string,
  contract: Partial<AcoContract>,
  expenditureCents: number,
  amountCents: number,
  capOrLimitApplied: boolean,
];

const cases: Case[] = [
  // One-sided tracks: 40% sharing, 10% cap, never losses.
  [
    'BASIC_A savings exactly at the 3.0% MSR are shared from the first dollar',
    { track: 'BASIC_A' },
    spend(3),
    120_000_000,
    false,
  ],
  ['BASIC_A savings one cent under the MSR earn nothing', { track: 'BASIC_A' }, spend(3) + 1, 0, false],
  ['BASIC_B 15% savings: 40% shared, under the 10% cap', { track: 'BASIC_B' }, spend(15), 600_000_000, false],
  [
    'BASIC_B 30% savings: 40% would be $12M, capped at 10% of the benchmark',
    { track: 'BASIC_B' },
    spend(30),
    1_000_000_000,
    true,
  ],
  ['BASIC_A 20% losses: one-sided, owes nothing', { track: 'BASIC_A' }, spend(-20), 0, false],
  ['BASIC_B 20% losses: one-sided, owes nothing', { track: 'BASIC_B' }, spend(-20), 0, false],
  // BASIC_C: 50% sharing; losses 30% up to min(2% revenue, 1% benchmark).
  ['BASIC_C 10% savings: 50% shared', { track: 'BASIC_C' }, spend(10), 500_000_000, false],
  [
    'BASIC_C losses exactly at the 3.0% MLR: 30% owed, under the limit',
    { track: 'BASIC_C' },
    spend(-3),
    -90_000_000,
    false,
  ],
  ['BASIC_C losses one cent under the MLR owe nothing', { track: 'BASIC_C' }, spend(-3) - 1, 0, false],
  [
    'BASIC_C 5% losses: 30% would be $1.5M, limited to 1% of the benchmark',
    { track: 'BASIC_C' },
    spend(-5),
    -100_000_000,
    true,
  ],
  [
    'BASIC_C 5% losses with $30M revenue: limited to 2% of revenue',
    { track: 'BASIC_C', participantRevenueCents: 3_000_000_000 },
    spend(-5),
    -60_000_000,
    true,
  ],
  // BASIC_D: limit min(4% revenue, 2% benchmark).
  ['BASIC_D 10% savings: 50% shared', { track: 'BASIC_D' }, spend(10), 500_000_000, false],
  ['BASIC_D 5% losses: 30% owed, under the 2% limit', { track: 'BASIC_D' }, spend(-5), -150_000_000, false],
  ['BASIC_D 10% losses: limited to 2% of the benchmark', { track: 'BASIC_D' }, spend(-10), -200_000_000, true],
  [
    'BASIC_D 10% losses with $40M revenue: limited to 4% of revenue',
    { track: 'BASIC_D', participantRevenueCents: 4_000_000_000 },
    spend(-10),
    -160_000_000,
    true,
  ],
  // BASIC_E: limit min(8% revenue, 4% benchmark).
  ['BASIC_E 10% losses: 30% owed, under the 4% limit', { track: 'BASIC_E' }, spend(-10), -300_000_000, false],
  ['BASIC_E 20% losses: limited to 4% of the benchmark', { track: 'BASIC_E' }, spend(-20), -400_000_000, true],
  [
    'BASIC_E 20% losses with $40M revenue: limited to 8% of revenue',
    { track: 'BASIC_E', participantRevenueCents: 4_000_000_000 },
    spend(-20),
    -320_000_000,
    true,
  ],
  [
    'BASIC_E 20% losses with no revenue reported: the benchmark limit alone',
    { track: 'BASIC_E', participantRevenueCents: null },
    spend(-20),
    -400_000_000,
    true,
  ],
  // ENHANCED: 75% sharing, 20% cap; loss rate 1 - 0.75 x quality clamped to 40-75%, limit 15%.
  ['ENHANCED 10% savings: 75% shared', { track: 'ENHANCED' }, spend(10), 750_000_000, false],
  [
    'ENHANCED 40% savings: 75% would be $30M, capped at 20% of the benchmark',
    { track: 'ENHANCED' },
    spend(40),
    2_000_000_000,
    true,
  ],
  [
    'ENHANCED 10% losses, quality 90: rate 32.5% clamps up to 40%',
    { track: 'ENHANCED', qualityScore: 90 },
    spend(-10),
    -400_000_000,
    false,
  ],
  [
    'ENHANCED 10% losses, quality 40: rate 70%',
    { track: 'ENHANCED', qualityScore: 40 },
    spend(-10),
    -700_000_000,
    false,
  ],
  [
    'ENHANCED 10% losses, quality 20: rate 85% clamps down to 75%',
    { track: 'ENHANCED', qualityScore: 20 },
    spend(-10),
    -750_000_000,
    false,
  ],
  [
    'ENHANCED 10% losses, quality gate not met: rate 75%',
    { track: 'ENHANCED', qualityGate: 'NOT_MET', qualityScore: 95 },
    spend(-10),
    -750_000_000,
    false,
  ],
  [
    'ENHANCED 30% losses at 75%: limited to 15% of the benchmark',
    { track: 'ENHANCED', qualityGate: 'NOT_MET' },
    spend(-30),
    -1_500_000_000,
    true,
  ],
  // Quality gates scale the sharing rate.
  [
    'quality MET: full 40% sharing',
    { track: 'BASIC_A', qualityGate: 'MET', qualityScore: 60 },
    spend(10),
    400_000_000,
    false,
  ],
  [
    'quality ALTERNATIVE at 80: 40% x 0.8 = 32%',
    { track: 'BASIC_A', qualityGate: 'ALTERNATIVE', qualityScore: 80 },
    spend(10),
    320_000_000,
    false,
  ],
  ['quality NOT_MET: no shared savings', { track: 'BASIC_A', qualityGate: 'NOT_MET' }, spend(10), 0, false],
  [
    'quality NOT_MET on a two-sided track still owes its losses',
    { track: 'BASIC_D', qualityGate: 'NOT_MET' },
    spend(-5),
    -150_000_000,
    false,
  ],
  // Fixed MSR/MLR elections.
  ['election 0%: any savings are shared', { track: 'BASIC_C', msrMlr: '0' }, spend(0.5), 25_000_000, false],
  ['election 1.0%: 0.5% savings are under it', { track: 'BASIC_C', msrMlr: '1.0' }, spend(0.5), 0, false],
  ['election 2.0%: 1.5% losses are under the MLR', { track: 'BASIC_C', msrMlr: '2.0' }, spend(-1.5), 0, false],
  ['election 2.0%: 2.0% losses reach the MLR', { track: 'BASIC_C', msrMlr: '2.0' }, spend(-2), -60_000_000, false],
  ['election 1.5%: 1.5% savings reach the MSR', { track: 'BASIC_B', msrMlr: '1.5' }, spend(1.5), 60_000_000, false],
  ['election 0.5%: 0.4% losses are under the MLR', { track: 'ENHANCED', msrMlr: '0.5' }, spend(-0.4), 0, false],
  // Small and large ACOs under the variable MSR.
  [
    '4,000 beneficiaries: MSR 3.9%, 3.8% savings earn nothing',
    { assignedBeneficiaries: 4_000 },
    4_000_000_000 - 152_000_000,
    0,
    false,
  ],
  [
    '4,000 beneficiaries: 3.9% savings are shared',
    { assignedBeneficiaries: 4_000 },
    4_000_000_000 - 156_000_000,
    62_400_000,
    false,
  ],
  [
    '70,000 beneficiaries: MSR 2.0%, 2.0% savings are shared',
    { assignedBeneficiaries: 70_000 },
    70_000_000_000 - 1_400_000_000,
    560_000_000,
    false,
  ],
  [
    '70,000 beneficiaries: 1.9% savings earn nothing',
    { assignedBeneficiaries: 70_000 },
    70_000_000_000 - 1_330_000_000,
    0,
    false,
  ],
];

describe('MSSP reconciliation matrix (contract 1.6)', () => {
  it.each(cases)('%s', (_name, overrides, expenditure, amount, applied) => {
    const result = msspReconciliation(contract(overrides), expenditure);
    expect(result.amountCents).toBe(amount);
    expect(result.capOrLimitApplied).toBe(applied);
    expect(result.outcome).toBe(amount > 0 ? 'SHARED_SAVINGS' : amount < 0 ? 'SHARED_LOSSES' : result.outcome);
  });

  it('carries the working an analyst needs to check it by hand', () => {
    const r = msspReconciliation(contract({ track: 'BASIC_D' }), spend(-10));
    expect(r).toMatchObject({
      benchmarkTotalCents: BENCHMARK,
      expenditureCents: 11_000_000_000,
      savingsCents: -1_000_000_000,
      savingsRate: -0.1,
      msrPercent: 3,
      mlrPercent: 3,
      sharingRate: 0.5,
      lossRate: 0.3,
      capOrLimitCents: 200_000_000,
      capOrLimitApplied: true,
      amountCents: -200_000_000,
    });
  });

  it('rounds half away from zero to a cent, for savings and for losses', () => {
    // $10.01 x 1,000 = 1,001,000 cents; MSR 3.9% (under 5,000 beneficiaries).
    const small = { benchmarkPerCapitaCents: 1001, assignedBeneficiaries: 1000, participantRevenueCents: null };
    expect(msspReconciliation(contract({ ...small, track: 'BASIC_C' }), 1_001_000 - 100_001).amountCents).toBe(50_001); // 50,000.5
    expect(
      msspReconciliation(contract({ ...small, track: 'ENHANCED', qualityGate: 'NOT_MET' }), 1_001_000 + 100_002)
        .amountCents,
    ).toBe(-75_002); // -75,001.5
  });
});

describe('variable MSR band edges (contract 1.6)', () => {
  it.each([
    [1, 3.9],
    [4_999, 3.9],
    [5_000, 3.9],
    [5_999, 3.6],
    [6_000, 3.6],
    [6_999, 3.4],
    [7_000, 3.4],
    [7_999, 3.2],
    [8_000, 3.2],
    [8_999, 3.1],
    [9_000, 3.1],
    [9_999, 3.0],
    [10_000, 3.0],
    [14_999, 2.7],
    [15_000, 2.7],
    [19_999, 2.5],
    [20_000, 2.5],
    [49_999, 2.2],
    [50_000, 2.2],
    [59_999, 2.0],
    [60_000, 2.0],
    [250_000, 2.0],
  ])('%i beneficiaries: %f%%', (n, msr) => {
    expect(variableMsrPercent(n)).toBeCloseTo(msr, 9);
  });

  it('interpolates linearly inside a band', () => {
    // 5,500 in 5,000-5,999: 3.9 - 0.3 x 500/999.
    expect(variableMsrPercent(5_500)).toBeCloseTo(3.9 - (0.3 * 500) / 999, 12);
    // 35,000 in 20,000-49,999: 2.5 - 0.3 x 15,000/29,999.
    expect(variableMsrPercent(35_000)).toBeCloseTo(2.5 - (0.3 * 15_000) / 29_999, 12);
  });
});
