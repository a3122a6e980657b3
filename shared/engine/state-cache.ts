import type { Derived } from '../domain/derive.ts';
import type { BeneficiaryFacts } from '../domain/facts.ts';

/** What a state's fixed part (its maps, derived state and snapshot) weighs, in facts. */
export const STATE_OVERHEAD_FACTS = 12;
/** Heap bytes a fact costs when cached (measured: about 270 for a claim record). */
export const BYTES_PER_FACT = 270;

/** A state's weight in the cache, in facts: every fact it holds and its fixed part. Unchanged while cached. */
export function weightOf(state: BeneficiaryState): number {
  const f = state.facts;
  return (
    STATE_OVERHEAD_FACTS +
    f.claims.size +
    f.admissions.size +
    f.discharges.size +
    f.attributions.size +
    f.closures.size +
    f.summaries.size
  );
}

/** A beneficiary's facts and derived state as of one committed version. Never changed while cached. */
export interface BeneficiaryState {
  version: string;
  facts: BeneficiaryFacts;
  derived: Derived;
  /** The snapshot of `derived` as stored ('' when none is stored yet). */
  snapshot: string;
  /** The totals summary as stored (summary-codec.ts; '' when none is stored). */
  summary: string;
}

/**
 * The states a service committed last, so the next batch for the same beneficiaries needs no read
 * from Redis. Safe without invalidation: every commit names the version it was computed from and
 * the commit script refuses it if any writer (another service, another instance after a
 * rebalance, a rebuild) moved the beneficiary on; the refused beneficiary is evicted and re-read.
 * A state is taken out to be worked on (take) and put back as committed (set): whoever holds it
 * may change it in place, and no one else sees it meanwhile.
 *
 * Least recently used states go first once `capacity` are held (0: no cache), or once their weight
 * passes `budget`: a state weighs its facts plus a fixed part for what every state holds (its maps,
 * its derived state and snapshot), so a cache of beneficiaries with many claims holds fewer of them
 * and its memory stays within bounds whatever the data (weightOf). The oldest is found
 * by one iterator kept across evictions: a new iterator would start at the front of the Map and
 * walk over every entry deleted there (V8 keeps them until the table is rebuilt), which made each
 * eviction cost more the longer the cache ran. Every entry before the kept iterator was evicted
 * by it or moved to the back, so the next one it gives is the oldest.
 */
export class StateCache {
  private readonly entries = new Map<string, BeneficiaryState>();
  private oldest: Iterator<string> | null = null;
  private weight = 0;

  constructor(
    readonly capacity: number,
    readonly budget = Number.POSITIVE_INFINITY,
  ) {}

  /** The cached state, removed from the cache: the caller owns it until it puts it back. */
  take(mbi: string): BeneficiaryState | undefined {
    const state = this.entries.get(mbi);
    if (state !== undefined) this.remove(mbi, state);
    return state;
  }

  set(mbi: string, state: BeneficiaryState): void {
    if (this.capacity <= 0) return;
    this.delete(mbi);
    this.entries.set(mbi, state);
    this.weight += weightOf(state);
    while (this.entries.size > this.capacity || this.weight > this.budget) {
      this.oldest ??= this.entries.keys();
      const next = this.oldest.next();
      if (next.done) this.oldest = null;
      else this.remove(next.value, this.entries.get(next.value)!);
    }
  }

  has(mbi: string): boolean {
    return this.entries.has(mbi);
  }

  delete(mbi: string): void {
    const state = this.entries.get(mbi);
    if (state !== undefined) this.remove(mbi, state);
  }

  /** What the held states weigh (weightOf). */
  get heldWeight(): number {
    return this.weight;
  }

  private remove(mbi: string, state: BeneficiaryState): void {
    this.entries.delete(mbi);
    this.weight -= weightOf(state);
  }

  get size(): number {
    return this.entries.size;
  }
}
