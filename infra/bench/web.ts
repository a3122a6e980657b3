// `npm run bench:web`: the web application's worklist with 10,000 alerts in force (published to the
// alerts topic as the services would), served by `vbc run web`: the server time of the worklist's
// first load (its Server-Timing), and how long 50 open worklists (server-sent events) take to receive
// a new alert after it is on the topic. A script, not a test. Prints a table and, last, one JSON line.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../shared/config/config.ts';
import { valueSubject } from '../../shared/registry/schemas.ts';
import { openContext, type Context } from '../../shared/service/context.ts';
import { freePort } from '../../test/support/free-port.ts';
import { ServiceProcess } from '../../test/support/service-process.ts';
import { runVbc } from '../../test/support/vbc-cli.ts';
import { usersFile, WebClient } from '../../test/support/web-users.ts';

const ALERTS = Number(process.env.BENCH_WEB_ALERTS ?? 10_000);
const CLIENTS = Number(process.env.BENCH_WEB_CLIENTS ?? 50);
const run = `bw${Date.now().toString(36)}`;
const say = (s: string) => process.stderr.write(`bench: ${s}\n`);

function alertEvent(i: number, sequence: number) {
  const mbi = `1BW${String(i).padStart(8, '0')}`;
  return {
    alertId: `al-bench-${i}`,
    action: 'RAISED',
    type: i % 3 === 0 ? 'READMISSION' : i % 3 === 1 ? 'TCM_FOLLOW_UP' : 'EPISODE_OVERRUN',
    mbi,
    subjectId: `E${i}`,
    threshold: i % 3 === 2 ? 80 : null,
    contactDueDate: i % 3 === 1 ? '2026-03-10' : null,
    visitDueDate: i % 3 === 1 ? '2026-03-20' : null,
    acoId: 'A1',
    reason: `bench alert ${i}`,
    details: { facilityId: `F${10_000 + (i % 8)}`, dischargeDate: '2026-03-06', percentOfTarget: '81.2' },
    receivedAt: null,
    sequence,
  };
}

async function publishAlerts(ctx: Context, events: ReturnType<typeof alertEvent>[]) {
  const topic = ctx.topics.output('alerts');
  for (let i = 0; i < events.length; i += 2_000)
    await ctx.producer.send({
      topic,
      acks: -1,
      messages: events
        .slice(i, i + 2_000)
        .map((e) => ({ key: e.mbi, value: ctx.codec.encode(valueSubject(topic), e) })),
    });
}

/** A worklist's live connection: resolves `next` with the time the first 'raised' event arrives. */
async function listen(client: WebClient) {
  const res = await fetch(`${client.base}/api/alerts/stream`, { headers: { cookie: client.cookie } });
  const reader = res.body!.getReader();
  let buffer = '';
  const waiter: { resolve: ((at: number) => void) | null } = { resolve: null };
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += Buffer.from(value).toString('utf8');
      if (buffer.includes('event: raised') && waiter.resolve) {
        waiter.resolve(performance.now());
        waiter.resolve = null;
      }
    }
  })();
  return {
    next: () =>
      new Promise<number>((resolve) => {
        waiter.resolve = resolve;
      }),
    close: () => reader.cancel(),
  };
}

async function main() {
  const port = await freePort();
  const users = await usersFile([{ username: 'cm', role: 'care-manager', acos: ['A1'] }]);
  const env = {
    VBC_TOPIC_PREFIX: `${run}.`,
    VBC_REDIS_PREFIX: run,
    LOG_LEVEL: 'warn',
    VBC_WEB_PORT: String(port),
    VBC_WEB_USERS_FILE: users,
    VBC_METRICS_PORT: '0',
  };
  const ctx = await openContext('bench-web', loadConfig({ ...process.env, ...env }));
  const logs = mkdtempSync(join(tmpdir(), 'vbc-bench-web-'));
  let web: ServiceProcess | null = null;
  try {
    say(`publishing ${ALERTS.toLocaleString('en-US')} alerts in force`);
    await publishAlerts(
      ctx,
      Array.from({ length: ALERTS }, (_, i) => alertEvent(i, i + 1)),
    );
    web = new ServiceProcess('web', env, join(logs, 'web.log'));
    const base = `http://127.0.0.1:${port}`;
    for (;;) {
      if (web.exited) throw new Error(`web exited:\n${web.logTail()}`);
      if (
        await fetch(`${base}/login`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const client = new WebClient(base);
    await client.signIn('cm');
    const loads: { server: number; total: number; count: number }[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const res = await client.get('/api/alerts');
      const body = (await res.json()) as { alerts: unknown[] };
      const server = Number(/dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '')?.[1]);
      loads.push({ server, total: performance.now() - started, count: body.alerts.length });
    }
    if (loads[0]!.count !== ALERTS) throw new Error(`the worklist held ${loads[0]!.count} alerts, not ${ALERTS}`);

    say(`${CLIENTS} live worklists, one new alert`);
    const streams = await Promise.all(Array.from({ length: CLIENTS }, () => listen(client)));
    await new Promise((r) => setTimeout(r, 500));
    const arrivals = streams.map((s) => s.next());
    const sentAt = performance.now();
    await publishAlerts(ctx, [alertEvent(ALERTS + 1, ALERTS + 10)]);
    const published = performance.now() - sentAt;
    const times = (await Promise.all(arrivals)).map((t) => t - sentAt).sort((a, b) => a - b);
    for (const s of streams) await s.close();

    const rows: [string, string][] = [
      [`worklist first load, ${ALERTS.toLocaleString('en-US')} alerts: server time (ms)`, loads[0]!.server.toFixed(1)],
      ['worklist first load: total time at the client (ms)', loads[0]!.total.toFixed(1)],
      [
        'worklist later loads: server time, median of 4 (ms)',
        [...loads.slice(1)].sort((a, b) => a.server - b.server)[2]!.server.toFixed(1),
      ],
      [
        `new alert to ${CLIENTS} live worklists: first / median / last (ms)`,
        `${times[0]!.toFixed(0)} / ${times[Math.floor(times.length / 2)]!.toFixed(0)} / ${times.at(-1)!.toFixed(0)}`,
      ],
      ['of which publishing it to the topic (ms)', published.toFixed(0)],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'web',
        alerts: ALERTS,
        firstLoadServerMs: Math.round(loads[0]!.server * 10) / 10,
        firstLoadTotalMs: Math.round(loads[0]!.total),
        liveClients: CLIENTS,
        liveFirstMs: Math.round(times[0]!),
        liveMedianMs: Math.round(times[Math.floor(times.length / 2)]!),
        liveLastMs: Math.round(times.at(-1)!),
      })}\n`,
    );
  } finally {
    await web?.stop().catch(() => undefined);
    await ctx.close();
    runVbc(env, 'reset');
  }
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${(error as Error).message}\n`);
  process.exit(1);
});
