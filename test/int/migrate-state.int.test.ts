import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/config.ts';
import { connectRedis, type RedisClient } from '../../shared/redis/client.ts';
import { isolatedEnv } from '../support/isolated.ts';
import { runVbc, vbc } from '../support/vbc-cli.ts';

/**
 * Redis state written by the version before the shards (482907f): the three contract examples
 * replayed, then `vbc reconcile --as-of 2026-03-31`, every key under the prefix by type
 * (keys.json), and what `vbc export` printed then (export.json).
 */
const FIXTURE = new URL('../fixtures/state-unsharded/', import.meta.url);
type Value =
  | { string: string }
  | { hash: Record<string, string> }
  | { set: string[] }
  | { list: string[] }
  | { zset: string[] };
const oldKeys = JSON.parse(readFileSync(new URL('keys.json', FIXTURE), 'utf8')) as Record<string, Value>;
const oldExport = JSON.parse(readFileSync(new URL('export.json', FIXTURE), 'utf8')) as unknown;

const env = isolatedEnv('migrate');
const config = loadConfig({ ...process.env, ...env });
let redis: RedisClient;

async function restoreOldState(): Promise<void> {
  for (const [name, value] of Object.entries(oldKeys)) {
    const key = `${config.redisPrefix}:${name}`;
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
  beforeAll(async () => {
    redis = await connectRedis(config);
    await restoreOldState();
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
    expect(JSON.parse(vbc(env, 'export'))).toEqual(oldExport);
  });

  it('no key of the old layout is left, and a second run moves nothing and changes nothing', async () => {
    const left = Object.keys(oldKeys).filter(
      (name) => !['ref:contracts', 'expiry:compacted-through', 'schedule:mssp', 'metrics:dead-lettered'].includes(name),
    );
    for (const name of left) expect(await redis.exists(`${config.redisPrefix}:${name}`), name).toBe(0);
    const again = runVbc(env, 'migrate-state');
    expect(again.stderr).toMatch(/migrate-state: 0 keys/);
    expect(JSON.parse(vbc(env, 'export'))).toEqual(oldExport);
  });

  it('a process with another VBC_PARTITIONS than the state was laid out with refuses to start', () => {
    const other = runVbc({ ...env, VBC_PARTITIONS: '12' }, 'export');
    expect(other.status).not.toBe(0);
    expect(other.stderr).toMatch(/STATE_LAYOUT_MISMATCH.*6 shards.*VBC_PARTITIONS=12/);
  });
});
