import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derive, snapshotJson } from '../../shared/domain/derive.ts';
import { applyUpdates } from '../../shared/engine/apply.ts';
import type { BeneficiaryStore } from '../../shared/engine/beneficiary-store.ts';
import { redisStores } from '../../shared/engine/redis-stores.ts';
import type { ReferenceStore } from '../../shared/engine/stores.ts';
import { connectRedis, type RedisClient } from '../../shared/redis/client.ts';
import { isolatedConfig } from '../support/isolated.ts';
import { discharge } from '../support/facts.ts';

const config = isolatedConfig('price-race');
let redis: RedisClient;
let store: BeneficiaryStore;
let referenceStore: ReferenceStore;
const anchorJson = JSON.stringify(
  discharge({ encounterId: 'E1', admitDate: '2026-01-10', dischargeDate: '2026-01-13', drg: '470', disposition: '06' }),
);

describe('a price change racing a new episode (optimistic concurrency on the prices version)', () => {
  beforeAll(async () => {
    redis = await connectRedis(config);
    const stores = redisStores(redis, config.redisPrefix, config.partitions);
    store = stores.beneficiaries as BeneficiaryStore;
    referenceStore = stores.reference;
  });
  afterAll(async () => {
    await redis?.quit();
  });

  it('a commit derived from prices that changed since it read them conflicts, and the retry uses the new price', async () => {
    await referenceStore.save([], [{ key: 'TEAM|LEJR|*', targetPriceCents: 2_000_000 }]);
    const { reference, readVersions, byMbi } = await store.load(['M1'], [80, 100]);
    const loaded = byMbi.get('M1')!;
    loaded.facts.discharges.set('E1', JSON.parse(anchorJson));
    const stale = derive('M1', loaded.facts, reference);
    expect(stale.episodes[0]!.targetPriceCents).toBe(2_000_000);

    // The reconciliation service changes the price (and its version, in one transaction per shard) meanwhile.
    await referenceStore.save([], [{ key: 'TEAM|LEJR|*', targetPriceCents: 3_000_000 }]);
    const conflicts = await store.commit(
      [
        {
          mbi: 'M1',
          expectedVersion: loaded.version,
          snapshot: snapshotJson(stale),
          summary: '',
          episodesChanged: '+',
          factPairs: ['d:E1', anchorJson],
          acoDeltas: new Map(),
          events: [],
          reconPairs: [],
        },
      ],
      'test',
      readVersions,
    );
    expect(conflicts).toEqual(['M1']);

    // The service's retry path re-reads and derives with the new price.
    await applyUpdates(
      store,
      new Map([['M1', [{ section: 'discharges' as const, id: 'E1', value: JSON.parse(anchorJson), replaces: true }]]]),
      {
        overrunThresholds: [80, 100],
        outboxOwner: 'test',
      },
    );
    const state = JSON.parse((await redis.hget(store.keys.of('M1').state('M1'), 'd'))!);
    expect(state.episodes[0].targetPriceCents).toBe(3_000_000);
  });
});
