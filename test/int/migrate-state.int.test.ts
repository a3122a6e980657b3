import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/config.ts';
import { connectRedis, type RedisClient } from '../../shared/redis/client.ts';
import { redisKeys } from '../../shared/engine/layout.ts';
import { isolatedEnv } from '../support/isolated.ts';
import { runVbc, vbc } from '../support/vbc-cli.ts';

type Value =
  | { string: string }
  | { hash: Record<string, string> }
  | { set: string[] }
  | { list: string[] }
  | { zset: string[] };
type Fixture = { keys: Record<string, Value>; export: unknown };

/** A fixture of state an earlier version wrote: every key under its prefix by type (keys.json), and what `vbc export` printed then (export.json). */
function fixture(name: string): Fixture {
  const at = new URL(`../fixtures/${name}/`, import.meta.url);
  const read = (file: string) => JSON.parse(readFileSync(new URL(file, at), 'utf8')) as unknown;
  return { keys: read('keys.json') as Record<string, Value>, export: read('export.json') };
}

/**
 * Redis state written by the version before the shards (482907f): the three contract examples
 * replayed, then `vbc reconcile --as-of 2026-03-31`.
 */
const unsharded = fixture('state-unsharded');
/**
 * The same, written by the last version of the first sharded layout (1da456f), each beneficiary's
 * version and summary in its state hash.
 */
const sharded1 = fixture('state-sharded-1');

async function restore(redis: RedisClient, prefix: string, keys: Record<string, Value>): Promise<void> {
  for (const [name, value] of Object.entries(keys)) {
    const key = `${prefix}:${name}`;
    if ('string' in value) await redis.set(key, value.string);
    else if ('hash' in value) await redis.hset(key, value.hash);
    else if ('set' in value) await redis.sadd(key, ...value.set);
    else if ('list' in value) await redis.rpush(key, ...value.list);
    else {
      // Stored as ZRANGE WITHSCORES gives it: member, score, member, score ...
      const pairs: string[] = [];
      for (let i = 0; i < value.zset.length; i += 2) pairs.push(value.zset[i + 1]!, value.zset[i]!);
      await redis.zadd(key, ...pairs);
    }
  }
}

describe('state of the unsharded layout (before Redis Cluster support) is refused, then migrated whole', () => {
  const env = isolatedEnv('migrate');
  const config = loadConfig({ ...process.env, ...env });
  let redis: RedisClient;
  const oldKeys = unsharded.keys;
  const oldExport = unsharded.export;
  beforeAll(async () => {
    redis = await connectRedis(config);
    await restore(redis, config.redisPrefix, oldKeys);
  });
  afterAll(async () => {
    runVbc(env, 'reset');
    await redis?.quit();
  });

  it('a service or command refuses the old layout with a code and the command to run', () => {
    const refused = runVbc(env, 'export');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/STATE_LAYOUT_MISMATCH.*unsharded layout.*vbc migrate-state/);
  });

  it('vbc migrate-state moves every key into its shard: the export is the one the old version printed', () => {
    const first = runVbc(env, 'migrate-state');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/migrate-state: \d+ keys of the unsharded layout moved into 6 shards/);
    expect(first.stderr).toMatch(/migrate-state: [1-9]\d* beneficiaries' versions and summaries moved/);
    expect(JSON.parse(vbc(env, 'export'))).toEqual(oldExport);
  });

  it('no key of the old layout is left, and a second run moves nothing and changes nothing', async () => {
    const left = Object.keys(oldKeys).filter(
      (name) => !['ref:contracts', 'expiry:compacted-through', 'schedule:mssp', 'metrics:dead-lettered'].includes(name),
    );
    for (const name of left) expect(await redis.exists(`${config.redisPrefix}:${name}`), name).toBe(0);
    const again = runVbc(env, 'migrate-state');
    expect(again.stderr).toMatch(/migrate-state: 0 keys/);
    expect(again.stderr).toMatch(/migrate-state: 0 beneficiaries/);
    expect(JSON.parse(vbc(env, 'export'))).toEqual(oldExport);
  });

  it('a process with another VBC_PARTITIONS than the state was laid out with refuses to start', () => {
    const other = runVbc({ ...env, VBC_PARTITIONS: '12' }, 'export');
    expect(other.status).not.toBe(0);
    expect(other.stderr).toMatch(/STATE_LAYOUT_MISMATCH.*6 shards.*VBC_PARTITIONS=12/);
  });
});

describe('state of the first sharded layout (version and summary in the state hash) is refused, then migrated', () => {
  const env = isolatedEnv('migrate-s1');
  const config = loadConfig({ ...process.env, ...env });
  const keys = redisKeys(config.redisPrefix, config.partitions);
  let redis: RedisClient;
  // Each beneficiary's state hash in the fixture: its mbi, and the version and summary it held.
  const states = Object.entries(sharded1.keys).flatMap(([name, value]) => {
    const at = /^\{[^}]+\}:b:(.+):state$/.exec(name);
    return at && 'hash' in value ? [{ mbi: at[1]!, hash: value.hash }] : [];
  });
  beforeAll(async () => {
    redis = await connectRedis(config);
    await restore(redis, config.redisPrefix, sharded1.keys);
  });
  afterAll(async () => {
    runVbc(env, 'reset');
    await redis?.quit();
  });

  it('a service or command refuses it with a code and the command to run', () => {
    expect(states.length).toBe(10);
    expect(states.every((s) => s.hash.v !== undefined)).toBe(true);
    const refused = runVbc(env, 'export');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/STATE_LAYOUT_MISMATCH.*sharded layout of an earlier version.*vbc migrate-state/);
  });

  it('vbc migrate-state moves each version and summary into the facts hash; the export is the one the old version printed', async () => {
    const first = runVbc(env, 'migrate-state');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(
      new RegExp(`migrate-state: ${states.length} beneficiaries' versions and summaries moved`),
    );
    for (const { mbi, hash } of states) {
      const k = keys.of(mbi);
      const [version, summary] = await redis.hmget(k.facts(mbi), 'v', 'k');
      expect({ version, summary }, mbi).toEqual({ version: hash.v, summary: hash.k ?? null });
      expect(await redis.hkeys(k.state(mbi)), mbi).toEqual(hash.d === undefined ? [] : ['d']);
    }
    expect(await redis.get(keys.layout)).toBe('sharded-2;shards=6');
    expect(JSON.parse(vbc(env, 'export'))).toEqual(sharded1.export);
  });

  it('a second run moves nothing and changes nothing', () => {
    const again = runVbc(env, 'migrate-state');
    expect(again.stderr).toMatch(/migrate-state: 0 keys/);
    expect(again.stderr).toMatch(/migrate-state: 0 beneficiaries/);
    expect(JSON.parse(vbc(env, 'export'))).toEqual(sharded1.export);
  });
});
