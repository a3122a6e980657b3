import type { Derived } from '../domain/derive.ts';
import type { BeneficiaryFacts } from '../domain/facts.ts';

/** A beneficiary's facts and derived state as of one committed version. Never changed while cached. */
export interface BeneficiaryState {
  version: string;
  facts: BeneficiaryFacts;
  derived: Derived;
  /** The snapshot of `derived` as stored ('' when none is stored yet). */
  snapshot: string;
}

/**
 * The states a service committed last, so the next batch for the same beneficiaries needs no read
 * from Redis. Safe without invalidation: every commit names the version it was computed from and
 * the commit script refuses it if any writer (another service, another instance after a
 * rebalance, a rebuild) moved the beneficiary on; the refused beneficiary is evicted and re-read.
 * A state is taken out to be worked on (take) and put back as committed (set): whoever holds it
 * may change it in place, and no one else sees it meanwhile.
 *
 * Least recently used states go first once `capacity` are held (0: no cache). The oldest is found
 * by one iterator kept across evictions: a new iterator would start at the front of the Map and
 * walk over every entry deleted there (V8 keeps them until the table is rebuilt), which made each
 * eviction cost more the longer the cache ran. Every entry before the kept iterator was evicted
 * by it or moved to the back, so the next one it gives is the oldest.
 */
export class StateCache {
  private readonly entries = new Map<string, BeneficiaryState>();
  private oldest: Iterator<string> | null = null;

  constructor(readonly capacity: number) {}

  /** The cached state, removed from the cache: the caller owns it until it puts it back. */
  take(mbi: string): BeneficiaryState | undefined {
    const state = this.entries.get(mbi);
    if (state !== undefined) this.entries.delete(mbi);
    return state;
  }

  set(mbi: string, state: BeneficiaryState): void {
    if (this.capacity <= 0) return;
    this.entries.delete(mbi);
    this.entries.set(mbi, state);
    while (this.entries.size > this.capacity) {
      this.oldest ??= this.entries.keys();
      const next = this.oldest.next();
      if (next.done) this.oldest = null;
      else this.entries.delete(next.value);
    }
  }

  delete(mbi: string): void {
    this.entries.delete(mbi);
  }

  get size(): number {
    return this.entries.size;
  }
}
