import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcoDelta } from '../../shared/domain/facts.ts';
import { acoTotalsOf } from '../../shared/engine/layout.ts';
import { redisStores } from '../../shared/engine/redis-stores.ts';
import { NO_VERSION, type Commit } from '../../shared/engine/stores.ts';
import { connectRedis, type RedisClient } from '../../shared/redis/client.ts';
import { isolatedConfig } from '../support/isolated.ts';

/**
 * The commit script against the real Redis, through the store (beneficiary-store.ts builds the
 * flat slice the script walks): every part of every beneficiary's change lands where it belongs,
 * all or nothing, and the stale ones are named by the store, which commits the rest.
 */
const config = isolatedConfig('commit-script');
let redis: RedisClient;
let stores: ReturnType<typeof redisStores>;
/** Beneficiaries of one shard (a commit call holds one). */
let mbis: string[];

const delta = (cents: number, month: string): ReadonlyMap<string, AcoDelta> =>
  new Map([
    [
      'A-ONE|2026',
      {
        expenditureCents: cents,
        claimRecords: 1,
        beneficiaries: 0,
        byClaimType: { professional: cents },
        byServiceMonth: { [month]: cents },
      },
    ],
  ]);

function commit(over: Partial<Commit> & Pick<Commit, 'mbi'>): Commit {
  return {
    expectedVersion: NO_VERSION,
    snapshot: '',
    summary: '',
    factPairs: [],
    episodesChanged: '',
    acoDeltas: new Map(),
    events: [],
    reconPairs: [],
    ...over,
  };
}

describe('the commit script and the summary read', () => {
  beforeAll(async () => {
    redis = await connectRedis(config);
    stores = redisStores(redis, config.redisPrefix, config.partitions);
    const store = stores.beneficiaries;
    const candidates = Array.from({ length: 200 }, (_, i) => `7C${String(i).padStart(9, '0')}`);
    const shard = store.shardOf(candidates[0]!);
    mbis = candidates.filter((m) => store.shardOf(m) === shard).slice(0, 4);
  });
  afterAll(async () => {
    await redis?.quit();
  });

  it('writes each beneficiary’s facts, version, summary, snapshot, events, reconciliations, removals, sets and the ACO totals', async () => {
    const [a, b, c] = mbis as [string, string, string];
    const k = stores.keys.of(a);
    // b holds two records and a version; one of them is folded away by this commit.
    await redis.hset(k.facts(b), 'c:B1', '[1]', 'c:B2', '[2]', 'v', 'vb0');
    const refused = await stores.beneficiaries.commit(
      [
        commit({
          mbi: a,
          snapshot: '{"d":1}',
          summary: 'sa',
          factPairs: ['c:A1', '[10]', 'a:E1', '{"e":1}'],
          newVersion: 'va1',
          episodesChanged: '+',
          events: ['{"event":1}', '{"event":2}'],
          reconPairs: ['R|1', '{"r":1}'],
          acoDeltas: delta(1000, '2026-01'),
        }),
        commit({
          mbi: b,
          expectedVersion: 'vb0',
          factPairs: ['c:B3', '[3]'],
          removeFields: ['c:B1'],
          newVersion: 'vb1',
          episodesChanged: '-',
          acoDeltas: delta(250, '2026-02'),
        }),
        commit({ mbi: c, factPairs: ['c:C1', '[5]'], newVersion: 'vc1', mustBeNew: true, summary: 'sc' }),
      ],
      'claims',
      '0|',
    );
    expect(refused).toEqual([]);
    expect(await redis.hgetall(k.facts(a))).toEqual({ 'c:A1': '[10]', 'a:E1': '{"e":1}', v: 'va1', k: 'sa' });
    expect(await redis.hget(k.state(a), 'd')).toBe('{"d":1}');
    expect(await redis.hgetall(k.facts(b))).toEqual({ 'c:B2': '[2]', 'c:B3': '[3]', v: 'vb1' });
    expect(await redis.exists(k.state(b))).toBe(0);
    expect(await redis.hgetall(k.facts(c))).toEqual({ 'c:C1': '[5]', v: 'vc1', k: 'sc' });
    const outbox = await redis.lrange(k.outbox('claims'), 0, -1);
    expect(outbox.map((e) => e.slice(e.indexOf('|') + 1))).toEqual(['{"event":1}', '{"event":2}']);
    expect(await redis.hgetall(k.reconciliations)).toEqual({ 'R|1': '{"r":1}' });
    // New beneficiaries join the set (b was not new: written here by hand before), a and c.
    expect((await redis.smembers(k.beneficiaries)).sort()).toEqual([a, c].sort());
    expect(await redis.smembers(k.episodeBeneficiaries)).toEqual([a]);
    expect(await redis.smembers(k.acoIndex)).toEqual(['A-ONE|2026']);
    expect(acoTotalsOf(await redis.hgetall(k.aco('A-ONE|2026')))).toMatchObject({
      expenditureCents: 1250,
      claimRecords: 2,
      byClaimType: { professional: 1250 },
      byServiceMonth: { '2026-01': 1000, '2026-02': 250 },
    });
  });

  it('writes nothing for a stale beneficiary or one that already holds a record planned as new, and commits the others', async () => {
    const [a, b, c, d] = mbis as [string, string, string, string];
    const k = stores.keys.of(a);
    const before = {
      a: await redis.hgetall(k.facts(a)),
      c: await redis.hgetall(k.facts(c)),
      aco: await redis.hgetall(k.aco('A-ONE|2026')),
    };
    const refused = await stores.beneficiaries.commit(
      [
        // a moved on (va1): stale.
        commit({ mbi: a, expectedVersion: 'old', factPairs: ['c:A2', '[11]'], acoDeltas: delta(7, '2026-03') }),
        commit({ mbi: b, expectedVersion: 'vb1', factPairs: ['c:B4', '[4]'], newVersion: 'vb2' }),
        // c already holds C1 (a redelivery planned on what the service knew): stale too.
        commit({
          mbi: c,
          expectedVersion: 'vc1',
          factPairs: ['c:C2', '[6]', 'c:C1', '[5]'],
          mustBeNew: true,
          acoDeltas: delta(9, '2026-03'),
        }),
        commit({ mbi: d, factPairs: ['c:D1', '[8]'], newVersion: 'vd1', acoDeltas: delta(100, '2026-04') }),
      ],
      'claims',
      '0|',
    );
    expect(refused.sort()).toEqual([a, c].sort());
    expect(await redis.hgetall(k.facts(a))).toEqual(before.a);
    expect(await redis.hgetall(k.facts(c))).toEqual(before.c);
    expect(await redis.hgetall(k.facts(b))).toEqual({ 'c:B2': '[2]', 'c:B3': '[3]', 'c:B4': '[4]', v: 'vb2' });
    expect(await redis.hgetall(k.facts(d))).toEqual({ 'c:D1': '[8]', v: 'vd1' });
    // Only d's deltas were added: the stale ones' were not.
    const aco = acoTotalsOf(await redis.hgetall(k.aco('A-ONE|2026')));
    expect(aco.expenditureCents).toBe(Number(before.aco.expenditureCents) + 100);
    expect(aco.byServiceMonth['2026-03']).toBeUndefined();
  });

  it('refuses the whole slice when the prices version or the closed year is not the one read', async () => {
    const [, , , d] = mbis as [string, string, string, string];
    const refused = await stores.beneficiaries.commit(
      [commit({ mbi: d, expectedVersion: 'vd1', factPairs: ['c:D2', '[9]'] })],
      'claims',
      '7|',
    );
    expect(refused).toEqual([d]);
    expect(await redis.hexists(stores.keys.of(d).facts(d), 'c:D2')).toBe(0);
  });

  it('reads each beneficiary’s version, summary and which of the fields asked it holds', async () => {
    const [a, b, c, d] = mbis as [string, string, string, string];
    const store = stores.beneficiaries;
    const read = await store.loadSummaries(
      store.shardOf(a),
      [a, b, c, d, '7Z000000000'],
      [['c:A1', 'c:none'], [], ['c:none', 'c:C1', 'c:C2'], ['c:D1'], ['c:X']],
    );
    const of = (m: string) => read.byMbi.get(m)!;
    expect(of(a)).toEqual({ version: 'va1', summary: 'sa', held: [true, false] });
    expect(of(b)).toEqual({ version: 'vb2', summary: '', held: [] });
    expect(of(c)).toEqual({ version: 'vc1', summary: 'sc', held: [false, true, false] });
    expect(of(d)).toEqual({ version: 'vd1', summary: '', held: [true] });
    expect(of('7Z000000000')).toEqual({ version: NO_VERSION, summary: '', held: [false] });
    expect(read.readVersions).toBe('0|');
  });
});
