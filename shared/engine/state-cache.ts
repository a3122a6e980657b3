import type { Derived } from '../domain/derive.ts';
import type { BeneficiaryFacts } from '../domain/facts.ts';

/** A beneficiary's facts and derived state as of one committed version. Never mutated once cached. */
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
 * Least recently used entries go first once `capacity` beneficiaries are held (0: no cache).
 */
export class StateCache {
  private readonly entries = new Map<string, BeneficiaryState>();

  constructor(readonly capacity: number) {}

  get(mbi: string): BeneficiaryState | undefined {
    const state = this.entries.get(mbi);
    if (state !== undefined) {
      this.entries.delete(mbi);
      this.entries.set(mbi, state);
    }
    return state;
  }

  set(mbi: string, state: BeneficiaryState): void {
    if (this.capacity <= 0) return;
    this.entries.delete(mbi);
    this.entries.set(mbi, state);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(mbi: string): void {
    this.entries.delete(mbi);
  }

  get size(): number {
    return this.entries.size;
  }
}
