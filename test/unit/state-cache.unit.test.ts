import { describe, expect, it } from 'vitest';
import { restoreDerived } from '../../shared/domain/derive.ts';
import { emptyFacts } from '../../shared/domain/facts.ts';
import { STATE_OVERHEAD_FACTS, StateCache, weightOf, type BeneficiaryState } from '../../shared/engine/state-cache.ts';

const state = (version: string): BeneficiaryState => ({
  version,
  facts: emptyFacts(),
  derived: restoreDerived('', emptyFacts()),
  snapshot: '',
  summary: '',
});

describe('state cache: states a service committed, taken out while worked on', () => {
  it('a taken state is no longer cached until it is put back', () => {
    const cache = new StateCache(10);
    cache.set('M1', state('v1'));
    expect(cache.take('M1')?.version).toBe('v1');
    expect(cache.take('M1')).toBeUndefined();
    cache.set('M1', state('v2'));
    expect(cache.take('M1')?.version).toBe('v2');
  });

  it('holds at most its capacity, keeps what was used recently and drops what was not', () => {
    const cache = new StateCache(1_000);
    for (let i = 0; i < 100_000; i++) {
      cache.set(`M${i}`, state(String(i)));
      // M0 is used all along: taken and put back every 100 states.
      if (i % 100 === 0) cache.set('M0', cache.take('M0') ?? state('again'));
      expect(cache.size).toBeLessThanOrEqual(1_000);
    }
    expect(cache.size).toBe(1_000);
    expect(cache.take('M0')?.version).toBe('0');
    // Exactly the most recent ones besides M0, and none older.
    for (let i = 99_001; i < 100_000; i++) expect(cache.take(`M${i}`)?.version).toBe(String(i));
    expect(cache.take('M99000')).toBeUndefined();
    expect(cache.take('M50000')).toBeUndefined();
  });

  it('capacity 0 caches nothing; delete drops a state', () => {
    const none = new StateCache(0);
    none.set('M1', state('v1'));
    expect(none.take('M1')).toBeUndefined();
    const cache = new StateCache(4);
    cache.set('M1', state('v1'));
    cache.delete('M1');
    expect(cache.take('M1')).toBeUndefined();
  });
});

describe('state cache memory budget: states weigh their facts', () => {
  const withClaims = (version: string, n: number): BeneficiaryState => {
    const s = state(version);
    for (let i = 0; i < n; i++) s.facts.claims.set(`c${i}`, {} as never);
    return s;
  };

  it('holds fewer beneficiaries the more facts each has, and its weight never passes the budget', () => {
    const budget = 10 * (STATE_OVERHEAD_FACTS + 100);
    const cache = new StateCache(1_000, budget);
    for (let i = 0; i < 50; i++) {
      cache.set(`M${i}`, withClaims(String(i), 100));
      expect(cache.heldWeight).toBeLessThanOrEqual(budget);
    }
    expect(cache.size).toBe(10);
    for (let i = 0; i < 50; i++) cache.set(`S${i}`, withClaims(String(i), 0));
    // Small states: many more of them fit in the same budget.
    expect(cache.size).toBeGreaterThan(40);
    expect(cache.heldWeight).toBeLessThanOrEqual(budget);
  });

  it('takes and deletes give the weight back', () => {
    const cache = new StateCache(100, 1_000);
    cache.set('M1', withClaims('1', 5));
    cache.set('M2', withClaims('2', 7));
    expect(cache.heldWeight).toBe(2 * STATE_OVERHEAD_FACTS + 12);
    cache.take('M1');
    cache.delete('M2');
    expect(cache.heldWeight).toBe(0);
    expect(weightOf(withClaims('3', 3))).toBe(STATE_OVERHEAD_FACTS + 3);
  });
});
