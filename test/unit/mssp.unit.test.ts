import { describe, expect, it } from 'vitest';
import { msspReconciliation, variableMsrPercent, type AcoContract } from '../../shared/domain/mssp.ts';

const contract = (p: Partial<AcoContract>): AcoContract => ({
  acoId: 'A',
  performanceYear: 2026,
  track: 'BASIC_A',
  benchmarkPerCapitaCents: 1_000_000,
  assignedBeneficiaries: 10_000,
  msrMlr: 'VARIABLE',
  qualityGate: 'MET',
  qualityScore: 80,
  participantRevenueCents: null,
  ...p,
});

describe('MSSP shared savings and losses (contract 1.6)', () => {
  it('interpolates the variable MSR inside a band and holds it outside', () => {
    expect(variableMsrPercent(4000)).toBe(3.9);
    expect(variableMsrPercent(5000)).toBeCloseTo(3.9);
    expect(variableMsrPercent(5999)).toBeCloseTo(3.6);
    expect(variableMsrPercent(12_499.5)).toBeCloseTo(2.85);
    expect(variableMsrPercent(70_000)).toBe(2.0);
  });

  it('shares savings at the track rate once the savings rate reaches the MSR', () => {
    const benchmark = 1_000_000 * 10_000;
    const below = msspReconciliation(contract({}), benchmark * 0.971); // 2.9% < 3.0%
    expect(below.amountCents).toBe(0);
    const above = msspReconciliation(contract({}), benchmark * 0.95); // 5% savings
    expect(above.amountCents).toBe(Math.round(benchmark * 0.05 * 0.4));
  });

  it('caps savings at 20% of the benchmark for ENHANCED (example 2)', () => {
    const r = msspReconciliation(
      contract({ track: 'ENHANCED', assignedBeneficiaries: 10, msrMlr: '2.0', participantRevenueCents: 50_000_000 }),
      2_620_000,
    );
    expect(r.amountCents).toBe(2_000_000);
    expect(r.capOrLimitApplied).toBe(true);
  });

  it('one-sided tracks never owe losses; two-sided ones do, up to their limit', () => {
    const benchmark = 1_000_000 * 10_000;
    expect(msspReconciliation(contract({ track: 'BASIC_B' }), benchmark * 1.2).amountCents).toBe(0);
    // Losses 3.1% (MLR 3.0%): 30% of 310,000,000 = 93,000,000, under min(2% revenue, 1% benchmark) = 100,000,000.
    const c = msspReconciliation(
      contract({ track: 'BASIC_C', participantRevenueCents: 10_000_000_000 }),
      benchmark * 1.031,
    );
    expect(c.amountCents).toBe(-93_000_000);
    expect(c.capOrLimitApplied).toBe(false);
    const bound = msspReconciliation(
      contract({ track: 'BASIC_C', participantRevenueCents: 100_000_000 }),
      benchmark * 1.05,
    );
    expect(bound.amountCents).toBe(-2_000_000);
  });

  it('ENHANCED loss rate follows quality, clamped to 40-75%', () => {
    const benchmark = 1_000_000 * 10_000;
    expect(
      msspReconciliation(contract({ track: 'ENHANCED', qualityScore: 100 }), benchmark * 1.05).lossRate,
    ).toBeCloseTo(0.4);
    expect(
      msspReconciliation(contract({ track: 'ENHANCED', qualityGate: 'NOT_MET', qualityScore: 0 }), benchmark * 1.05)
        .lossRate,
    ).toBe(0.75);
  });

  it('quality gates scale the sharing rate', () => {
    const benchmark = 1_000_000 * 10_000;
    expect(msspReconciliation(contract({ qualityGate: 'NOT_MET' }), benchmark * 0.9).amountCents).toBe(0);
    expect(
      msspReconciliation(contract({ qualityGate: 'ALTERNATIVE', qualityScore: 50 }), benchmark * 0.95).amountCents,
    ).toBe(Math.round(benchmark * 0.05 * 0.2));
  });
});
