import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv } from '../support/isolated.ts';
import { ownStack } from '../support/own-stack.ts';
import { replayInBackground, startAllServices, vbc } from '../support/vbc-cli.ts';

/**
 * Restarting Kafka and Redis under a running product needs a stack of its own: the shared one
 * serves the other test files at the same time. This file starts a second local stack (its own
 * ports, data and logs; the installs are shared) and stops it afterwards.
 */
const work = mkdtempSync(join(tmpdir(), 'vbc-faults-'));
const instance = `faults-${process.pid}`;
const base = 21_000 + (process.pid % 50) * 10;
const stackEnv = {
  VBC_STACK_INSTANCE: instance,
  VBC_KAFKA_PORT: String(base),
  VBC_KAFKA_CONTROLLER_PORT: String(base + 1),
  VBC_REGISTRY_PORT: String(base + 2),
  VBC_REDIS_PORT: String(base + 3),
};
const endpoints = {
  KAFKA_BROKERS: `127.0.0.1:${base}`,
  SCHEMA_REGISTRY_URL: `http://127.0.0.1:${base + 2}`,
  REDIS_URL: `redis://127.0.0.1:${base + 3}`,
};

const own = ownStack(stackEnv);
const stack = own.run;

describe('Kafka and Redis restarts while consuming (a stack of its own)', () => {
  // Long enough to wait for another file's own stack to be done with.
  beforeAll(() => own.up(), 400_000);
  afterAll(() => own.remove());

  it('the product carries on through both, and ends with the export of a clean run', async () => {
    const feed = join(work, 'feed.ndjson');
    vbc({}, 'simulate', '--seed', '17', '--beneficiaries', '2500', '--out', feed);

    const clean = isolatedEnv('restart-clean');
    const cleanServices = await startAllServices(clean, join(work, 'clean.log'));
    const cleanRun = await replayInBackground(clean, feed, { rate: 100_000, report: join(work, 'bad.txt') });
    expect(cleanRun.code, cleanRun.stderr).toBe(0);
    const expected = JSON.parse(vbc(clean, 'export'));
    await cleanServices.stop('SIGTERM');

    // Warnings kept in the log (TEST_LOG_LEVEL=debug: everything): what the services saw of the outages.
    const env = { ...isolatedEnv('restart'), ...endpoints, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn' };
    const services = await startAllServices(env, join(work, 'faulted.log'));
    try {
      const replay = replayInBackground(env, feed, { rate: 2500, report: join(work, 'bad.txt') });
      await new Promise((r) => setTimeout(r, 2000));
      stack('restart', 'kafka');
      await new Promise((r) => setTimeout(r, 2000));
      stack('restart', 'redis');
      const done = await replay;
      expect(done.code, done.stderr).toBe(0);
      expect(services.exited, services.logTail()).toBe(false);
      expect(JSON.parse(vbc(env, 'export'))).toEqual(expected);
      // And it still shuts down cleanly within the budget after both outages.
      const stopping = Date.now();
      expect(await services.stop('SIGTERM')).toBe(0);
      expect(Date.now() - stopping).toBeLessThan(10_000);
    } finally {
      await services.stop('SIGKILL').catch(() => undefined);
    }
    // A broker's controlled shutdown and restart take most of a minute on two cores shared with the
    // other test files: the test's budget is the sum of its steps' own limits, not the suite's default.
  }, 420_000);
});
