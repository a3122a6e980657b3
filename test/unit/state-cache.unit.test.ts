import { describe, expect, it } from 'vitest';
import { restoreDerived } from '../../shared/domain/derive.ts';
import { emptyFacts } from '../../shared/domain/facts.ts';
import { StateCache, type BeneficiaryState } from '../../shared/engine/state-cache.ts';

const state = (version: string): BeneficiaryState => ({
  version,
  facts: emptyFacts(),
  derived: restoreDerived('', emptyFacts()),
  snapshot: '',
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
