/** A beneficiary as this service last committed it: the version written and the totals summary as of it. */
export interface KnownSummary {
  version: string;
  /** summary-codec.ts's text. */
  summary: string;
}

import type { ShardRead } from './stores.ts';

/**
 * The versions and totals summaries this service committed, so that new claim records of a
 * beneficiary whose records only add to totals need no read at all: the summary path plans them on
 * what it wrote last. A few hundred bytes a beneficiary, against kilobytes for a whole state
 * (StateCache), so it can know every beneficiary of a large partition. Safe without invalidation,
 * as StateCache is: the commit checks that the version is still the one cached (no other writer,
 * no other instance, no rebuild in between), and, since nothing was read, that the beneficiary
 * holds none of the new records yet (a redelivered record would otherwise count twice). A
 * beneficiary refused either way is forgotten here and read. Per shard it keeps what the last read
 * said of the prices version and the closed year, which the commit checks as well.
 *
 * The beneficiaries first known go first once `capacity` are held (0: none are kept); the oldest
 * is found by one iterator kept across evictions (see StateCache for why). An entry is updated in
 * place, never replaced, so a batch that took it reads a version and summary of the same commit.
 */
export class SummaryCache {
  private readonly entries = new Map<string, KnownSummary>();
  private readonly shards = new Map<number, ShardRead>();
  private oldest: Iterator<string> | null = null;

  constructor(readonly capacity: number) {}

  get(mbi: string): KnownSummary | undefined {
    return this.entries.get(mbi);
  }

  /**
   * After a commit of `version` whose state has `summary` ('': none, not kept). A beneficiary known
   * already is updated in place, keeping its place in the order of eviction: moving it to the back
   * (delete and set) cost more on a Map of this size than an eviction a little early.
   */
  set(mbi: string, version: string, summary: string): void {
    if (this.capacity <= 0) return;
    const held = this.entries.get(mbi);
    if (held !== undefined && summary !== '') {
      held.version = version;
      held.summary = summary;
      return;
    }
    this.entries.delete(mbi);
    if (summary === '') return;
    this.entries.set(mbi, { version, summary });
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

  shardRead(shard: number): ShardRead | undefined {
    return this.shards.get(shard);
  }

  noteShardRead(shard: number, read: ShardRead): void {
    if (this.capacity > 0) this.shards.set(shard, read);
  }

  get size(): number {
    return this.entries.size;
  }
}
