import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv } from '../support/isolated.ts';
import { replayInBackground, startAllServices, vbc } from '../support/vbc-cli.ts';

const work = mkdtempSync(join(tmpdir(), 'vbc-shutdown-'));

describe('graceful shutdown (SIGTERM during a replay)', () => {
  it('exits cleanly within 10 s, and a restart finishes the work with the same export as a clean run', async () => {
    const feed = join(work, 'feed.ndjson');
    vbc({}, 'simulate', '--seed', '9', '--beneficiaries', '2500', '--out', feed);

    const clean = isolatedEnv('clean');
    const cleanServices = await startAllServices(clean, join(work, 'clean.log'));
    const cleanReplay = await replayInBackground(clean, feed, { report: join(work, 'bad-clean.txt') });
    expect(cleanReplay.code, cleanReplay.stderr).toBe(0);
    const expected = JSON.parse(vbc(clean, 'export'));
    await cleanServices.stop('SIGTERM');

    const env = isolatedEnv('sigterm');
    const first = await startAllServices(env, join(work, 'first.log'));
    const replay = replayInBackground(env, feed, { report: join(work, 'bad.txt') });
    await new Promise((r) => setTimeout(r, 2500)); // mid-publish, mid-processing
    const stopping = Date.now();
    expect(await first.stop('SIGTERM', 20_000)).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(10_000);

    const second = await startAllServices(env, join(work, 'second.log'));
    try {
      const done = await replay;
      expect(done.code, done.stderr).toBe(0);
      expect(JSON.parse(vbc(env, 'export'))).toEqual(expected);
    } finally {
      await second.stop('SIGTERM');
    }
  });
});
