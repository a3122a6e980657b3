import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../services/cli/commands/index.ts';
import { generateFeed } from '../../services/cli/simulate/feed-generator.ts';
import { feedStats } from '../../services/cli/simulate/feed-stats.ts';
import { isolatedEnv } from '../support/isolated.ts';
import { type ServiceProcess, waitUntil } from '../support/service-process.ts';
import { vbcCommand } from '../support/vbc-command.ts';
import { runVbc, startAllServices, vbc } from '../support/vbc-cli.ts';

const work = mkdtempSync(join(tmpdir(), 'vbc-cli-'));

describe('operator CLI: help and one-line failures', () => {
  it.each(Object.keys(COMMANDS))('vbc %s --help explains the command and exits 0', (name) => {
    const r = runVbc({}, name, '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`usage: vbc ${name}`);
  });

  it.each(Object.keys(COMMANDS))(
    'vbc %s with a misspelled option exits 2 with one line naming it, before connecting to anything',
    (name) => {
      const r = runVbc({ KAFKA_BROKERS: '127.0.0.1:1' }, name, '--helpp', 'x');
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([`vbc ${name}: unknown option '--helpp' (run 'vbc ${name} --help')`]);
    },
  );

  it('options are parsed strictly: a value missing, a value where none is taken, a stray argument', () => {
    const one = (...args: string[]) => {
      const r = runVbc({ KAFKA_BROKERS: '127.0.0.1:1' }, ...args);
      return [r.status, r.stderr.trim()];
    };
    expect(one('simulate', '--benefs', '10', '--out', '/tmp/never')).toEqual([
      2,
      "vbc simulate: unknown option '--benefs' (run 'vbc simulate --help')",
    ]);
    expect(one('export', '--bogus')).toEqual([2, "vbc export: unknown option '--bogus' (run 'vbc export --help')"]);
    expect(one('reconcile', '--as-of')).toEqual([
      2,
      "vbc reconcile: option '--as-of <value>' needs a value (run 'vbc reconcile --help')",
    ]);
    expect(one('alerts', '--follow=yes')).toEqual([
      2,
      "vbc alerts: option '--follow' takes no value (run 'vbc alerts --help')",
    ]);
    expect(one('stack', 'up', 'now')).toEqual([2, "vbc stack: unexpected argument 'now' (run 'vbc stack --help')"]);
  });

  it('an unknown command exits 2 with one line', () => {
    const r = runVbc({}, 'frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(["vbc: unknown command 'frobnicate' (run 'vbc --help')"]);
  });

  it('a name every object has (constructor, toString) is an unknown command too, not a crash', () => {
    for (const name of ['constructor', 'toString']) {
      const r = runVbc({}, name);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([`vbc: unknown command '${name}' (run 'vbc --help')`]);
    }
  });

  it('a missing scenario file exits 1 with one line naming it', () => {
    const r = runVbc({}, 'replay', '/nowhere/feed.ndjson');
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual(['vbc replay: file not found: /nowhere/feed.ndjson']);
  });

  it('a stack that is not up: one line naming the broker address, within the connect timeout', () => {
    const started = Date.now();
    const r = runVbc({ KAFKA_BROKERS: '127.0.0.1:1', VBC_CONNECT_TIMEOUT_MS: '2000' }, 'export');
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('127.0.0.1:1');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('starts a service with its V8 memory options, under the process id it was started as', async () => {
    // bin/vbc.mjs replaces itself (execve) with a Node started with them, so a supervisor's signals
    // still reach the service. What they do to its memory: README, Performance.
    const optionsOf = async (service: string) => {
      const [command, args] = vbcCommand(['run', service]);
      const child = spawn(command, args, { env: { ...process.env, KAFKA_BROKERS: '127.0.0.1:1' }, stdio: 'ignore' });
      try {
        let cmdline: string[] = [];
        await waitUntil(
          () => {
            cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
            return cmdline.includes('--max-semi-space-size=64');
          },
          `vbc run ${service} with its options`,
          20_000,
          20,
        );
        return cmdline;
      } finally {
        child.kill('SIGKILL');
      }
    };
    const claims = await optionsOf('claims');
    expect(claims).toContain('--no-allocation-site-pretenuring');
    expect(claims).toContain('--heap-growing-percent=100');
    // The ADT services (here in one process with the others) keep V8's own heap growth: their alerts' latency.
    const all = await optionsOf('all');
    expect(all).toContain('--no-allocation-site-pretenuring');
    expect(all).not.toContain('--heap-growing-percent=100');
  });

  it('bad settings are all reported at start, one line', () => {
    const r = runVbc({ VBC_PARTITIONS: 'many', LOG_LEVEL: 'loud', VBC_MSSP_SCHEDULE: 'weekly' }, 'export');
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    for (const setting of ['VBC_PARTITIONS=many', 'LOG_LEVEL=loud', 'VBC_MSSP_SCHEDULE=weekly'])
      expect(lines[0]).toContain(setting);
  });

  it('simulate writes the same file twice for a seed', () => {
    const [a, b] = [join(work, 'a.ndjson'), join(work, 'b.ndjson')];
    vbc({}, 'simulate', '--seed', '3', '--beneficiaries', '300', '--out', a);
    vbc({}, 'simulate', '--seed', '3', '--beneficiaries', '300', '--out', b);
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
  });
});

describe('a simulated feed through the running services', () => {
  const metricsPort = 20_000 + Math.floor(Math.random() * 20_000);
  const env = { ...isolatedEnv('cli-sim'), VBC_METRICS_PORT: String(metricsPort) };
  let services: ServiceProcess;
  beforeAll(async () => {
    services = await startAllServices(env, join(work, 'services.log'));
  });
  afterAll(async () => {
    await services?.stop('SIGTERM');
  });

  it('is processed whole: readmissions as the rules give them, bad lines reported, the alert view agreeing with the export', () => {
    const file = join(work, 'feed.ndjson');
    vbc(env, 'simulate', '--seed', '5', '--beneficiaries', '1500', '--out', file);
    const report = join(work, 'bad-lines.txt');
    const replay = runVbc(env, 'replay', file, '--rate', '20000', '--progress', '--report', report);
    expect(replay.status, replay.stderr).toBe(0);
    expect(replay.stderr).toMatch(/publishing \[#+\] 100%/);
    const bad = readFileSync(report, 'utf8').trim().split('\n');
    expect(bad.length).toBeGreaterThan(0);
    for (const line of bad) expect(line).toMatch(/feed\.ndjson:\d+: .+/);

    const state = JSON.parse(vbc(env, 'export'));
    expect(state.readmissions).toHaveLength(feedStats(generateFeed({ seed: 5, beneficiaries: 1500 })).readmissions);
    const tally = vbc(env, 'alerts').trim().split('\n').pop()!;
    expect(tally).toContain(`in force now: ${state.alerts.length}`);

    vbc(env, 'reconcile', '--as-of', '2027-04-01');
    const finance = vbc(env, 'finance');
    for (const aco of ['A1001', 'A2002', 'A3003', 'A4004'])
      expect(finance).toMatch(new RegExp(`${aco}\\s+2026\\s+(BASIC_A|BASIC_C|BASIC_E|ENHANCED)`));
    expect(finance).toContain('== TEAM episodes');
    expect(finance).toMatch(/TEAM hospital-level reconciliation/);
  });

  it('lists dead-lettered records with reason and position, and replays each only once', () => {
    const listed = vbc(env, 'dlq', 'list', 'claims').trim().split('\n');
    const summary = listed.pop()!;
    expect(summary).toMatch(/^\d+ dead-lettered records on .*claims\.dlq: \d+ SCENARIO_INVALID$/);
    expect(listed.length).toBe(Number(summary.split(' ')[0]));
    for (const line of listed) expect(line).toMatch(/^\s*\d+\s+SCENARIO_INVALID\s+\S+feed\.ndjson:\d+\s+.+/);

    const first = runVbc(env, 'dlq', 'replay', 'claims');
    expect(first.status).toBe(0);
    expect(first.stderr).toContain(`${listed.length} scenario lines still bad`);
    const second = runVbc(env, 'dlq', 'replay', 'claims');
    expect(second.stderr).toContain('dlq replay claims: 0 records re-published');
  });

  it('serves metrics, health and readiness while running', async () => {
    const base = `http://127.0.0.1:${metricsPort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toContain('ready: claims, admissions, discharges, reconciliation');
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(Number(/vbc_records_in_total\{service="claims",topic="claims"\} (\d+)/.exec(text)?.[1])).toBeGreaterThan(
      1000,
    );
    expect(
      Number(/vbc_records_dead_lettered_total\{service="discharges",topic="discharges"\} (\d+)/.exec(text)?.[1] ?? 0),
    ).toBeGreaterThanOrEqual(0);
    for (const name of [
      'vbc_batch_duration_seconds_bucket',
      'vbc_consumer_lag{service="claims"}',
      'vbc_redis_roundtrip_seconds_count{op="commit"}',
      'vbc_redis_ping_seconds',
      'vbc_events_published_total',
    ]) {
      expect(text).toContain(name);
    }
    // prom-client's default process metrics, which Node operators' dashboards expect.
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
      'nodejs_gc_duration_seconds_count',
    ]) {
      expect(text).toContain(name);
    }
  });
});
