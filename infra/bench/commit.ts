// `npm run bench:commit`: what the claims path's commit script costs Redis, alone. Beneficiaries
// that each hold 10 claim records, a version and a totals summary get one new claim record each,
// committed as the summary path commits them (planned on what the service knows, so the script
// checks that none of the records is held), 400 a call (beneficiary-store.ts SLICE) over 10 ACOs.
// The figures are Redis's own time in the commit script and in the summary read that precedes it
// for a beneficiary the service does not know (INFO commandstats), per beneficiary: the CPU the
// claims service takes from Redis, which shares the machine's cores with it and the broker. A
// script, not a test. Prints one JSON line. BENCH_COMMIT_CALLS sets the number of calls (250).
import { loadConfig } from '../../shared/config/config.ts';
import type { AcoDelta } from '../../shared/domain/facts.ts';
import { redisStores } from '../../shared/engine/redis-stores.ts';
import { SLICE } from '../../shared/engine/beneficiary-store.ts';
import type { Commit } from '../../shared/engine/stores.ts';
import { connectRedis, type RedisClient } from '../../shared/redis/client.ts';
import { unlinkMatching } from '../../shared/redis/unlink-matching.ts';

const CALLS = Number(process.env.BENCH_COMMIT_CALLS ?? 250);
const PER_CALL = SLICE.beneficiaries;
const OLD_RECORDS = 10;
const run = `bc${Date.now().toString(36)}`;
const say = (s: string) => process.stderr.write(`bench: ${s}\n`);

/** A claim record as the fact codec stores it (compact form). */
const fact = (n: number) => JSON.stringify([0, 1, `CCN${n}X12345`, 20454, 20457, 0, 0, 0, 0, 12345 + n, 0, 0, 0, 0, 0]);
const summary = JSON.stringify([0, 0, [], [['00000000000000000012', 'A1001', '2026-01-01', 0]], []]);
const mbi = (i: number) => `1C${String(i).padStart(9, '0')}`;
const delta = (i: number): ReadonlyMap<string, AcoDelta> =>
  new Map([
    [
      `A${1000 + (i % 10)}|2026`,
      {
        expenditureCents: 12345,
        claimRecords: 1,
        beneficiaries: 0,
        byClaimType: { professional: 12345 },
        byServiceMonth: { [`2026-0${1 + (i % 9)}`]: 12345 },
      },
    ],
  ]);

const hundredths = (x: number) => Math.round(x * 100) / 100;

/** Redis's time in EVALSHA so far, in microseconds (scripts' inner commands included). */
async function scriptMicros(redis: RedisClient): Promise<number> {
  const stats = await redis.info('commandstats');
  return Number(/cmdstat_evalsha:calls=\d+,usec=(\d+)/.exec(stats)?.[1] ?? 0);
}

async function main() {
  const config = loadConfig({ ...process.env, VBC_REDIS_PREFIX: run });
  const redis = await connectRedis(config);
  try {
    const stores = redisStores(redis, run, config.partitions);
    const store = stores.beneficiaries;
    // Beneficiaries by shard, so that each call holds one shard's (as the service's do).
    const perShard = Math.ceil(CALLS / config.partitions) * PER_CALL;
    const byShard = new Map<number, string[]>();
    for (let i = 0, full = 0; full < config.partitions; i++) {
      const m = mbi(i);
      const shard = store.shardOf(m);
      const list = byShard.get(shard) ?? [];
      if (list.length === perShard) continue;
      list.push(m);
      byShard.set(shard, list);
      if (list.length === perShard) full += 1;
    }
    const all = [...byShard.values()].flat();
    say(`writing ${all.length.toLocaleString('en-US')} beneficiaries of ${OLD_RECORDS} claim records each`);
    for (let s = 0; s < all.length; s += 1000) {
      const p = redis.pipeline();
      for (const m of all.slice(s, s + 1000)) {
        const fields: string[] = ['v', 'v0', 'k', summary];
        for (let r = 0; r < OLD_RECORDS; r++) fields.push(`c:${m}-${r}`, fact(r));
        p.hset(stores.keys.of(m).facts(m), ...fields);
      }
      await p.exec();
    }
    const calls: Commit[][] = [];
    for (const list of byShard.values())
      for (let s = 0; s < list.length; s += PER_CALL)
        calls.push(
          list.slice(s, s + PER_CALL).map((m, i) => ({
            mbi: m,
            expectedVersion: 'v0',
            newVersion: `v1.${i}`,
            snapshot: '',
            summary: '',
            factPairs: [`c:${m}-new`, fact(s + i)],
            mustBeNew: true,
            episodesChanged: '',
            acoDeltas: delta(s + i),
            events: [],
            reconPairs: [],
          })),
        );
    // The read the summary path makes of beneficiaries it does not know (SUMMARY_LOAD_SCRIPT).
    say(`reading ${calls.length} calls of ${PER_CALL} beneficiaries' summaries`);
    const beforeReads = await scriptMicros(redis);
    for (const commits of calls)
      await store.loadSummaries(
        store.shardOf(commits[0]!.mbi),
        commits.map((c) => c.mbi),
        commits.map((c) => [c.factPairs[0]!]),
      );
    const readMicros = (await scriptMicros(redis)) - beforeReads;
    say(`committing ${calls.length} calls of ${PER_CALL} beneficiaries`);
    const before = await scriptMicros(redis);
    const started = performance.now();
    let refused = 0;
    for (const commits of calls) refused += (await store.commit(commits, 'claims', '0|')).length;
    const seconds = (performance.now() - started) / 1000;
    const micros = (await scriptMicros(redis)) - before;
    if (refused > 0) throw new Error(`${refused} beneficiaries were refused: the bench's data is not what it expects`);
    const beneficiaries = calls.reduce((n, c) => n + c.length, 0);
    console.log(
      JSON.stringify({
        beneficiariesCommitted: beneficiaries,
        redisScriptMicrosPerBeneficiary: hundredths(micros / beneficiaries),
        redisReadMicrosPerBeneficiary: hundredths(readMicros / beneficiaries),
        redisScriptMillisPerCall: hundredths(micros / calls.length / 1000),
        wallMillisPerCall: hundredths((seconds * 1000) / calls.length),
      }),
    );
  } finally {
    await unlinkMatching(redis, `${run}:*`);
    await redis.quit();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
