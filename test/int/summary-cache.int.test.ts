import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClaimFact } from '../../shared/domain/facts.ts';
import { applyUpdates, type IncomingFact } from '../../shared/engine/apply.ts';
import { redisStores } from '../../shared/engine/redis-stores.ts';
import { StateCache } from '../../shared/engine/state-cache.ts';
import { SummaryCache } from '../../shared/engine/summary-cache.ts';
import { connectRedis, type RedisClient } from '../../shared/redis/client.ts';
import { acoTotals } from '../support/aco-totals.ts';
import { claim } from '../support/facts.ts';
import { isolatedConfig } from '../support/isolated.ts';

/**
 * The summary path planned on the versions and summaries a service committed (SummaryCache): no
 * read, so the commit script itself must refuse a beneficiary that already holds a record
 * (redelivery) or that another writer moved on, and the totals must stay those of each distinct
 * record counted once. Against the real Redis and its scripts.
 */
const config = isolatedConfig('summary-cache');
const BENEFICIARIES = 60;
const mbi = (i: number) => `7S${String(i).padStart(9, '0')}`;
let redis: RedisClient;
let stores: ReturnType<typeof redisStores>;

const attribution = (i: number): IncomingFact => ({
  section: 'attributions',
  id: '0000000001',
  value: { seq: '0000000001', acoId: i % 2 ? 'A-EAST' : 'A-WEST', effectiveFrom: '2026-01-01', effectiveTo: null },
  replaces: false,
});
/** A professional claim record of beneficiary i: `n` tells records apart; cents = 1000 + n. */
const record = (i: number, n: number): IncomingFact => {
  const value: ClaimFact = claim({
    claimId: `C${i}-${n}`,
    claimControlNumber: `C${i}-${n}`,
    thruDate: `2026-0${1 + (n % 9)}-15`,
    fromDate: `2026-0${1 + (n % 9)}-15`,
    paidAmountCents: 1000 + n,
  });
  return { section: 'claims', id: value.claimId, value, replaces: false, year: 2026 };
};

function batch(records: (i: number) => IncomingFact[]): Map<string, IncomingFact[]> {
  return new Map(Array.from({ length: BENEFICIARIES }, (_, i) => [mbi(i), records(i)]));
}

/** What the export must show after records 0..n-1 of every beneficiary, each counted once. */
function expected(n: number) {
  const out: Record<string, { expenditureCents: number; claimRecords: number }> = {};
  for (let i = 0; i < BENEFICIARIES; i++) {
    const key = `${i % 2 ? 'A-EAST' : 'A-WEST'}|2026`;
    out[key] ??= { expenditureCents: 0, claimRecords: 0 };
    for (let r = 0; r < n; r++) {
      out[key].expenditureCents += 1000 + r;
      out[key].claimRecords += 1;
    }
  }
  return out;
}

describe('the summary path on summaries the service wrote (no read)', () => {
  beforeAll(async () => {
    redis = await connectRedis(config);
    stores = redisStores(redis, config.redisPrefix, config.partitions);
  });
  afterAll(async () => {
    await redis?.quit();
  });

  it('redelivered and repeated records count once, and a beneficiary another writer moved on is read again', async () => {
    const summaries = new SummaryCache(1_000);
    // No state cache: every claim batch takes the summary path.
    const options = { overrunThresholds: [80, 100], outboxOwner: 'test', cache: new StateCache(0), summaries };
    const apply = (updates: Map<string, IncomingFact[]>) => applyUpdates(stores.beneficiaries, updates, options);

    await apply(batch((i) => [attribution(i)]));
    expect(summaries.size).toBe(BENEFICIARIES);
    await apply(batch((i) => [record(i, 0), record(i, 1)]));
    expect(await acoTotals({ stores })).toEqual(expected(2));

    // The same batch again (a redelivery after a failed offset commit): every commit is refused for
    // holding its records already, read, and found a no-op.
    const again = await apply(batch((i) => [record(i, 0), record(i, 1)]));
    expect(again.committed).toBe(0);
    expect(await acoTotals({ stores })).toEqual(expected(2));

    // A batch with a held record beside a new one: only the new one counts.
    await apply(batch((i) => [record(i, 1), record(i, 2)]));
    expect(await acoTotals({ stores })).toEqual(expected(3));

    // Another instance (its own caches) commits the next records meanwhile: this one's summaries are
    // stale, and its commit of the same and later records must neither lose nor repeat any.
    const other = { ...options, summaries: new SummaryCache(1_000) };
    await applyUpdates(
      stores.beneficiaries,
      batch((i) => [record(i, 3)]),
      other,
    );
    const last = await apply(batch((i) => [record(i, 3), record(i, 4)]));
    expect(last.committed).toBe(BENEFICIARIES);
    expect(await acoTotals({ stores })).toEqual(expected(5));
  });
});
