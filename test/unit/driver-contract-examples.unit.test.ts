import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVICES } from '../../services/registry.ts';
import { exportState } from '../../services/cli/state-export.ts';
import type { InputTopic } from '../../shared/kafka/topics.ts';
import { Seeded } from '../../shared/random/seeded.ts';
import { TestDriver } from '../../shared/testing/test-driver.ts';
import { EXAMPLES } from '../support/contract.ts';

/**
 * The contract examples at the level of the rules, through the broker-free driver (every service,
 * the same batch handler as on Kafka, in-memory stores): in milliseconds, in many arrival orders.
 * The same examples run end to end through `npx vbc` on the real stack (test/e2e/contract-examples).
 */
const CHECKER = join(EXAMPLES, '..', 'check-export.py');
/** No state cache: claim batches take the summary path, planned on the summaries the service wrote. */
const NO_CACHE = { VBC_STATE_CACHE_SIZE: '0' };
/** Neither cache: the summary path reads every beneficiary's summary. */
const NO_CACHES = { VBC_STATE_CACHE_SIZE: '0', VBC_SUMMARY_CACHE_SIZE: '0' };
const work = mkdtempSync(join(tmpdir(), 'vbc-driver-'));
const NAMES = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.expected.json'))
  .map((f) => f.slice(0, -'.expected.json'.length))
  .sort();
type Line = { topic: InputTopic; value: object };
const linesOf = (name: string): Line[] =>
  readFileSync(join(EXAMPLES, `${name}.ndjson`), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Line);

/**
 * Feeds the lines (one run per `runEvery` lines: the services see them in that many steps), reconciles when asked; the
 * export.
 */
async function exported(name: string, lines: Line[], runEvery = lines.length, env: Record<string, string> = {}) {
  const driver = new TestDriver(Object.values(SERVICES), env);
  for (let i = 0; i < lines.length; i += runEvery) {
    for (const l of lines.slice(i, i + runEvery)) driver.pipe(l.topic, [l.value]);
    await driver.run();
  }
  const { asOf } = JSON.parse(readFileSync(join(EXAMPLES, `${name}.expected.json`), 'utf8')) as { asOf: string | null };
  if (asOf) await driver.reconcile(asOf);
  return exportState(driver.stores);
}

/** What check-export.py says of an export against the example's expected one. */
function check(name: string, state: unknown): string {
  const actual = join(work, `${name}.json`);
  writeFileSync(actual, JSON.stringify(state));
  const r = spawnSync('python3', [CHECKER, join(EXAMPLES, `${name}.expected.json`), actual], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.trim();
}

describe('contract examples through the broker-free driver', () => {
  it.each(NAMES)('%s: as one batch per partition, and record by record', async (name) => {
    expect(check(name, await exported(name, linesOf(name)))).toBe('export matches');
    expect(check(name, await exported(name, linesOf(name), 1))).toBe('export matches');
  });

  it.each(NAMES)('%s: with no state cache (every claim batch tries the summary path first)', async (name) => {
    for (const env of [NO_CACHE, NO_CACHES]) {
      expect(check(name, await exported(name, linesOf(name), 1, env))).toBe('export matches');
      expect(check(name, await exported(name, linesOf(name), 3, env))).toBe('export matches');
    }
  });

  it.each(NAMES)(
    '%s: the same export in 25 random arrival orders across topics (each topic keeps its own order)',
    async (name) => {
      const lines = linesOf(name);
      // The export in file order (checked above against the expected one), field for field.
      const reference = await exported(name, lines);
      const rnd = new Seeded(name.length);
      for (let n = 0; n < 25; n++) {
        // Interleave the topics at random, keeping each topic's lines in file order (as Kafka keeps a partition's).
        const queues = new Map<string, Line[]>();
        for (const l of lines) queues.set(l.topic, [...(queues.get(l.topic) ?? []), l]);
        const order: Line[] = [];
        while (queues.size > 0) {
          const topics = [...queues.keys()];
          const topic = topics[rnd.int(0, topics.length - 1)]!;
          const queue = queues.get(topic)!;
          order.push(queue.shift()!);
          if (queue.length === 0) queues.delete(topic);
        }
        // A third of the orders without the state cache, a third with neither cache: beneficiaries are
        // planned on the summaries written, or read (whole or by summary) every batch.
        expect(await exported(name, order, rnd.int(1, 4), [{}, NO_CACHE, NO_CACHES][n % 3])).toEqual(reference);
      }
    },
  );

  it.each([
    ...NAMES.map((name) => [name, 'both caches', {}] as const),
    // The replay's claim records are planned on the summaries written by the first pass, and each
    // commit is refused for holding them already (they must not count twice), then read.
    ...NAMES.map((name) => [name, 'no state cache', NO_CACHE] as const),
  ])('%s, %s: replayed twice, the second pass changes nothing and raises no alert again', async (name, _, env) => {
    const driver = new TestDriver(Object.values(SERVICES), env);
    for (const l of linesOf(name)) driver.pipe(l.topic, [l.value]);
    await driver.run();
    const first = await exportState(driver.stores);
    const raised = driver.published.filter((e) => e.topic === 'alerts' && e.value.action === 'RAISED').length;
    for (const l of linesOf(name)) driver.pipe(l.topic, [l.value]);
    await driver.run();
    expect(await exportState(driver.stores)).toEqual(first);
    expect(driver.published.filter((e) => e.topic === 'alerts' && e.value.action === 'RAISED').length).toBe(raised);
  });
});
