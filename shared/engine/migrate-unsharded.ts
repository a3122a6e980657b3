import { groupByShard } from '../redis/by-shard.ts';
import type { RedisClient } from '../redis/client.ts';
import { scanMatching } from '../redis/unlink-matching.ts';
import { SHARDED_1_MARK } from './layout-check.ts';
import type { RedisKeys } from './layout.ts';
import { shardOf } from './shards.ts';

/**
 * Lays out state written by a version before the shards (one Redis, keys `<prefix>:b:{mbi}:facts`,
 * `<prefix>:aco:...`, `<prefix>:outbox:...`, ...) in shards (layout.ts), with the services stopped.
 * Each key is copied under its new name (DUMP and RESTORE: the same value and encoding, also from
 * one node to another) and then deleted; a shared key is cut by shard. Run again after a crash, it
 * goes on where it stopped: every step can be repeated, and the set of beneficiaries, which marks
 * the old layout, goes last, then the layout mark. Returns how many old keys it moved.
 */
export async function migrateUnsharded(redis: RedisClient, prefix: string, keys: RedisKeys): Promise<number> {
  const old = (name: string) => `${prefix}:${name}`;
  const names: string[] = [];
  for await (const page of scanMatching(redis, `${prefix}:*`))
    for (const key of page.keys) if (!key.startsWith(`${prefix}:{`)) names.push(key.slice(prefix.length + 1));
  let moved = 0;
  const move = async (name: string, to: string) => {
    const [dump, ttl] = await Promise.all([redis.dumpBuffer(old(name)), redis.pttl(old(name))]);
    if (dump === null) return;
    await redis.restore(to, ttl > 0 ? ttl : 0, dump, 'REPLACE');
    await redis.del(old(name));
    moved++;
  };
  const drop = async (name: string) => {
    moved += await redis.del(old(name));
  };
  const everyShard = Array.from({ length: keys.shards }, (_, s) => keys.shard(s));

  // Beneficiaries first, 500 keys at a time: their closure facts say which shard holds each
  // episode's reconciliation.
  const episodeShard = new Map<string, number>();
  const perBeneficiary = names.filter((name) => /^b:\{.+\}:(facts|state)$/.test(name));
  for (let i = 0; i < perBeneficiary.length; i += 500) {
    await Promise.all(
      perBeneficiary.slice(i, i + 500).map(async (name) => {
        const [, mbi, kind] = /^b:\{(.+)\}:(facts|state)$/.exec(name)!;
        if (kind === 'facts')
          for (const field of await redis.hkeys(old(name)))
            if (field.startsWith('x:')) episodeShard.set(field.slice(2), shardOf(mbi!, keys.shards));
        await move(name, kind === 'facts' ? keys.of(mbi!).facts(mbi!) : keys.of(mbi!).state(mbi!));
      }),
    );
  }
  for (const name of names) {
    let at: RegExpExecArray | null;
    if ((at = /^aco:(.+)$/.exec(name))) await move(name, keys.shard(0).aco(at[1]!));
    else if ((at = /^outbox:(.+)$/.exec(name))) await move(name, keys.shard(0).outbox(at[1]!));
    else if ((at = /^clock:claims:latest:(\d+)$/.exec(name))) await move(name, keys.partitionLatest(Number(at[1])));
    else if ((at = /^hl7:ack:(.+)$/.exec(name))) await move(name, `${prefix}:{hl7}:ack:${at[1]}`);
    else if (name.startsWith('web:sign-in:')) await drop(name);
    else if ((at = /^applied:(.+)$/.exec(name))) {
      const group = at[1]!;
      for (const [field, offset] of Object.entries(await redis.hgetall(old(name)))) {
        const partition = Number(field.slice(field.lastIndexOf('|') + 1));
        await redis.hset(keys.shard(partition % keys.shards).appliedOffsets(group), field, offset);
      }
      await drop(name);
    }
  }
  const single: Record<string, string> = {
    'aco-years': keys.shard(0).acoIndex,
    'clock:claims': keys.eventClock,
    'clock:claims:partitions': keys.partitionClocks,
    'clock:claims:earliest': keys.earliestClaim,
  };
  for (const [name, to] of Object.entries(single)) if (names.includes(name)) await move(name, to);

  // Copied into every shard: the prices with their version, the closed year, the outbox sequence.
  if (names.includes('ref:prices')) {
    const prices = await redis.hgetall(old('ref:prices'));
    const version = (await redis.get(old('ref:prices:v'))) ?? '0';
    for (const k of everyShard) {
      const tx = redis.multi();
      if (Object.keys(prices).length > 0) tx.hset(k.prices, prices);
      tx.set(k.pricesVersion, version);
      await tx.exec();
    }
    await drop('ref:prices');
    await drop('ref:prices:v');
  }
  for (const [name, key] of [
    ['expiry:closed-through', (k: (typeof everyShard)[number]) => k.closedThrough],
    ['outbox-seq', (k: (typeof everyShard)[number]) => k.outboxSeq],
  ] as const) {
    const value = await redis.get(old(name));
    if (value === null) continue;
    for (const k of everyShard) await redis.set(key(k), value);
    await drop(name);
  }
  // Reconciliation records: an episode's to its beneficiary's shard (where its next one is written), the rest to shard 0.
  const records = await redis.hgetall(old('reconciliations'));
  for (const [field, json] of Object.entries(records)) {
    const episode = field.startsWith('EPISODE|') ? episodeShard.get(field.slice('EPISODE|'.length)) : undefined;
    await redis.hset(keys.shard(episode ?? 0).reconciliations, field, json);
  }
  if (Object.keys(records).length > 0) await drop('reconciliations');

  // The sets of beneficiaries last: the old one marks the old layout until everything else moved.
  for (const name of ['episode-beneficiaries', 'beneficiaries'] as const) {
    const members = await redis.smembers(old(name));
    await groupByShard(
      redis,
      keys.shards,
      members,
      (mbi) => shardOf(mbi, keys.shards),
      (p, mbi) =>
        p.sadd(name === 'beneficiaries' ? keys.of(mbi).beneficiaries : keys.of(mbi).episodeBeneficiaries, mbi),
    );
    await drop(name);
  }
  // What it laid out is the first sharded layout (migrate-version-fields.ts goes on from there); state
  // marked already (nothing of the old layout was left) keeps its mark.
  if (moved > 0 || (await redis.get(keys.layout)) === null)
    await redis.set(keys.layout, `${SHARDED_1_MARK};shards=${keys.shards}`);
  return moved;
}
