import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssignerProtocol } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SERVICES } from '../../services/registry.ts';
import { groupIdFor } from '../../shared/service/consumer-service.ts';
import { loadConfig } from '../../shared/config/config.ts';
import { readTopic } from '../../shared/kafka/read-topic.ts';
import { openContext } from '../../shared/service/context.ts';
import { isolatedEnv } from '../support/isolated.ts';
import { ServiceProcess, waitUntil } from '../support/service-process.ts';
import { replayInBackground, startAllServices, vbc } from '../support/vbc-cli.ts';

const work = mkdtempSync(join(tmpdir(), 'vbc-rebalance-'));

/**
 * Ids of the alerts in force according to the alerts topic: the event with the highest sequence per
 * id is RAISED. (Which alerts were raised and later withdrawn depends on arrival order; what is in
 * force does not. Topic order alone is not the commit order: two services emit for one alert.)
 */
async function alertIdsInForce(env: Record<string, string>): Promise<string[]> {
  const ctx = await openContext('test-alert-ids', loadConfig({ ...process.env, ...env }));
  try {
    const records = await readTopic(ctx.kafka, ctx.admin, ctx.topics.output('alerts'));
    await ctx.codec.prepare(records.map((m) => m.value));
    const latest = new Map<string, { sequence: number; action: string }>();
    for (const m of records) {
      const a = ctx.codec.decode(m.value) as { alertId: string; action: string; sequence: number };
      const held = latest.get(a.alertId);
      if (!held || a.sequence >= held.sequence) latest.set(a.alertId, { sequence: a.sequence, action: a.action });
    }
    return [...latest]
      .filter(([, e]) => e.action === 'RAISED')
      .map(([id]) => id)
      .sort();
  } finally {
    await ctx.close();
  }
}

describe('faults mid-stream: rebalance and kill -9', () => {
  const feed = join(work, 'feed.ndjson');
  const clean = isolatedEnv('rb-clean');
  let expected: { alerts: { alertId: string }[] };
  let expectedInForce: string[];

  beforeAll(async () => {
    vbc({}, 'simulate', '--seed', '13', '--beneficiaries', '2500', '--out', feed);
    const cleanServices = await startAllServices(clean, join(work, 'clean.log'));
    const cleanRun = await replayInBackground(clean, feed, { rate: 100_000, report: join(work, 'bad.txt') });
    await cleanServices.stop('SIGTERM');
    if (cleanRun.code !== 0) throw new Error(cleanRun.stderr);
    expected = JSON.parse(vbc(clean, 'export'));
    expectedInForce = await alertIdsInForce(clean);
  });

  async function expectCleanRunResult(env: Record<string, string>) {
    const state = JSON.parse(vbc(env, 'export'));
    expect(state).toEqual(expected);
    const inForce = await alertIdsInForce(env);
    expect(inForce).toEqual(expectedInForce);
    expect(inForce).toEqual(state.alerts.map((a: { alertId: string }) => a.alertId).sort());
  }

  it('a second instance joining and leaving mid-stream: the export of a clean run, and the alerts topic agrees (none lost, none left standing)', async () => {
    const env = isolatedEnv('rb');
    const first = await startAllServices(env, join(work, 'first.log'));
    const replay = replayInBackground(env, feed, { rate: 3000, report: join(work, 'bad.txt') });
    await new Promise((r) => setTimeout(r, 1500));
    const second = new ServiceProcess('all', env, join(work, 'second.log'));
    await new Promise((r) => setTimeout(r, 6000)); // the second instance joins; partitions move
    expect(second.exited, second.logTail()).toBe(false);
    expect(await second.stop('SIGTERM')).toBe(0); // and leaves again; partitions move back
    try {
      const done = await replay;
      expect(done.code, done.stderr).toBe(0);
      await expectCleanRunResult(env);
    } finally {
      await first.stop('SIGTERM');
    }
  });

  it('two instances of every service in one group share its partitions for the whole run: the export of a clean run', async () => {
    const env = isolatedEnv('two');
    const config = loadConfig({ ...process.env, ...env });
    const first = await startAllServices(env, join(work, 'two-a.log'));
    const second = new ServiceProcess('all', env, join(work, 'two-b.log'));
    const ctx = await openContext('test-two-instances', config);
    try {
      // Each service's group: two members, each with partitions of its own, none held twice.
      const shared = async () => {
        const groups = await ctx.admin.describeGroups(
          Object.keys(SERVICES).map((s) => groupIdFor(config.groupPrefix, s)),
        );
        return groups.groups.every((g) => {
          const owned = g.members.map((m) => {
            const a = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
            return Object.entries(a?.assignment ?? {}).flatMap(([t, ps]) => ps.map((p) => `${t}:${p}`));
          });
          const all = owned.flat();
          return (
            g.state === 'Stable' &&
            owned.length === 2 &&
            owned.every((o) => o.length > 0) &&
            new Set(all).size === all.length
          );
        });
      };
      await waitUntil(shared, 'both instances to share every group', 120_000, 500);
      const done = await replayInBackground(env, feed, { rate: 100_000, report: join(work, 'bad.txt') });
      expect(done.code, done.stderr).toBe(0);
      expect(await shared()).toBe(true);
      expect(second.exited, second.logTail()).toBe(false);
      await expectCleanRunResult(env);
    } finally {
      await ctx.close();
      await second.stop('SIGTERM');
      await first.stop('SIGTERM');
    }
  });

  it('every service killed (-9) mid-stream and restarted: the export of a clean run, and the alerts topic agrees', async () => {
    const env = isolatedEnv('kill9');
    const first = await startAllServices(env, join(work, 'kill9.log'));
    const replay = replayInBackground(env, feed, { rate: 3000, report: join(work, 'bad.txt') });
    await new Promise((r) => setTimeout(r, 3000));
    await first.stop('SIGKILL');
    const second = new ServiceProcess('all', env, join(work, 'kill9.log'));
    try {
      const done = await replay;
      expect(done.code, done.stderr).toBe(0);
      await expectCleanRunResult(env);
    } finally {
      await second.stop('SIGTERM');
    }
  });
});
