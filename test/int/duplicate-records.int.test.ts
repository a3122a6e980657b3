import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyUpdates, type IncomingFact } from '../../shared/engine/apply.ts';
import type { FactSection } from '../../shared/domain/decide.ts';
import { BeneficiaryStore } from '../../shared/engine/beneficiary-store.ts';
import { connectRedis } from '../../shared/redis/client.ts';
import { admission, discharge } from '../support/facts.ts';
import { isolatedConfig } from '../support/isolated.ts';

const config = isolatedConfig('dupes');
let redis: Redis;
let store: BeneficiaryStore;
const options = { overrunThresholds: [80, 100], outboxOwner: 'admissions' };
const SECTION: Record<string, FactSection> = { a: 'admissions', d: 'discharges' };
const fact = (field: string, value: object): IncomingFact => ({
  section: SECTION[field[0]!]!,
  id: field.slice(2),
  value: JSON.parse(JSON.stringify(value)),
  replaces: true,
});

describe('duplicate ADT records (redelivery, replays, double publishes)', () => {
  beforeAll(async () => {
    redis = await connectRedis(config);
    store = new BeneficiaryStore(redis, config.redisPrefix);
  });
  afterAll(async () => {
    await redis?.quit();
  });

  it('the same records again change nothing: no commit, no second alert, same readmission', async () => {
    const records = [
      fact('a:E1', admission({ encounterId: 'E1', admitDate: '2026-03-01' })),
      fact('d:E1', discharge({ encounterId: 'E1', admitDate: '2026-03-01', dischargeDate: '2026-03-04' })),
      fact('a:E2', admission({ encounterId: 'E2', admitDate: '2026-03-20' })),
    ];
    const first = await applyUpdates(store, new Map([['M1', records]]), options);
    expect(first.committed).toBe(1);
    const outbox = await redis.lrange(store.keys.outbox('admissions'), 0, -1);
    // The readmission, and the index stay's transitional-care follow-up (discharged home, no visit yet).
    expect(
      outbox
        .map((e) => JSON.parse(e.slice(e.indexOf('|') + 1)).value)
        .map((v) => `${v.action} ${v.type}`)
        .sort(),
    ).toEqual(['RAISED READMISSION', 'RAISED TCM_FOLLOW_UP']);
    const state = await redis.hget(store.keys.state('M1'), 'd');

    const again = await applyUpdates(store, new Map([['M1', [...records, records[1]!]]]), options);
    expect(again.committed).toBe(0);
    expect(await redis.lrange(store.keys.outbox('admissions'), 0, -1)).toEqual(outbox);
    expect(await redis.hget(store.keys.state('M1'), 'd')).toBe(state);
    expect(JSON.parse(state!).readmissions).toEqual([
      { indexEncounterId: 'E1', readmissionEncounterId: 'E2', daysToReadmit: 16, planned: false },
    ]);
  });
});
