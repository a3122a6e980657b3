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
 * Eviction by generations, not by exact recency: states go into the young generation; when it
 * holds half the capacity, it becomes the old one and the previous old one is dropped whole. A
 * state used again while old moves back to the young one. Every operation is O(1): an exact LRU
 * on one Map evicts from its front, and V8 walks over every entry deleted there before finding
 * the oldest live one (it cost more than the rest of the apply step on a feed of many
 * beneficiaries). At most `capacity` states are held (0: no cache).
 */
export class StateCache {
  private young = new Map<string, BeneficiaryState>();
  private old = new Map<string, BeneficiaryState>();

  constructor(readonly capacity: number) {}

  /** The cached state, removed from the cache: the caller owns it until it puts it back. */
  take(mbi: string): BeneficiaryState | undefined {
    let state = this.young.get(mbi);
    if (state !== undefined) this.young.delete(mbi);
    else {
      state = this.old.get(mbi);
      if (state !== undefined) this.old.delete(mbi);
    }
    return state;
  }

  set(mbi: string, state: BeneficiaryState): void {
    if (this.capacity <= 0) return;
    this.old.delete(mbi);
    this.young.set(mbi, state);
    if (this.young.size >= Math.max(1, this.capacity / 2)) {
      this.old = this.young;
      this.young = new Map();
    }
  }

  delete(mbi: string): void {
    this.young.delete(mbi);
    this.old.delete(mbi);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }
}
