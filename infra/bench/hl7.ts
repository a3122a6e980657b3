// `npm run bench:hl7`: the HL7 ADT gateway inside `vbc run all` (the consumer services working
// beside it, as in production), driven over MLLP from this process: messages a second on one
// connection one message at a time (HL7's usual: the next message waits for the ACK), on one
// connection with a window of messages in flight, and on 10 connections; ACK latency p50/p99 at a
// paced 500 messages a second (open loop: each message sent on its schedule, late or not).
// A script, not a test. Prints a table and, last, one JSON line.
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { frame, MllpDecoder } from '../../shared/hl7/mllp.ts';
import { readAck } from '../../shared/hl7/sender.ts';
import { freePort } from '../../test/support/free-port.ts';
import { adtMessage, mbiIdentifier, visit } from '../../test/support/hl7-builder.ts';
import { ServiceProcess } from '../../test/support/service-process.ts';
import { runVbc } from '../../test/support/vbc-cli.ts';

const MESSAGES = Number(process.env.BENCH_HL7_MESSAGES ?? 20_000);
const WINDOW = Number(process.env.BENCH_HL7_WINDOW ?? 50);
const PACED_RATE = Number(process.env.BENCH_HL7_RATE ?? 500);
const PACED_SECONDS = Number(process.env.BENCH_HL7_PACED_SECONDS ?? 20);
const run = `bh${Date.now().toString(36)}`;
const say = (s: string) => process.stderr.write(`bench: ${s}\n`);

/** A connection that sends framed messages and resolves each with its ACK latency (ms), in order. */
class Connection {
  private readonly waiting: { sentAt: number; resolve: (ms: number) => void; reject: (e: Error) => void }[] = [];
  private readonly decoder = new MllpDecoder(1 << 20);
  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      for (const f of this.decoder.push(chunk)) {
        const w = this.waiting.shift();
        const ack = readAck(f.body.toString('latin1'));
        if (!w) continue;
        if (ack?.code !== 'AA') w.reject(new Error(`answered ${ack?.code ?? 'with no ACK'}: ${ack?.text ?? ''}`));
        else w.resolve(performance.now() - w.sentAt);
      }
    });
    socket.on('error', (e) => {
      for (const w of this.waiting.splice(0)) w.reject(e);
    });
  }
  static open(port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(new Connection(s)));
      s.once('error', reject);
    });
  }
  send(message: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ sentAt: performance.now(), resolve, reject });
      this.socket.write(frame(message));
    });
  }
  close() {
    this.socket.end();
  }
}

/** Realistic traffic: admissions, discharges (some with a DRG) and updates, for many beneficiaries. */
function messages(tag: string, n: number): string[] {
  const events = ['A01', 'A03', 'A08', 'A01', 'A03'];
  return Array.from({ length: n }, (_, i) => {
    const b = Math.floor(i / events.length);
    const event = events[i % events.length]!;
    const stay = {
      encounterId: `${tag}-${b}-${i % events.length < 3 ? 1 : 2}`,
      admittedAt: `202603${String(1 + (b % 20)).padStart(2, '0')}0930-0500`,
    };
    const discharged =
      event === 'A03' ? { dischargedAt: `202603${String(4 + (b % 20)).padStart(2, '0')}`, disposition: '01' } : {};
    return adtMessage({
      event,
      controlId: `${tag}-${i}`,
      identifiers: [
        `MRN${b}^^^GENHOSP^MR`,
        mbiIdentifier(`1${tag.slice(0, 2).toUpperCase()}${String(b).padStart(8, '0')}`),
      ],
      pv1: visit({ ...stay, ...discharged }),
      ...(event === 'A03' && b % 3 === 0 ? { drg: '470' } : {}),
      diagnoses: [{ code: 'I50.9', priority: '1' }],
    });
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

async function oneAtATime(port: number, list: string[]) {
  const c = await Connection.open(port);
  const started = performance.now();
  for (const m of list) await c.send(m);
  c.close();
  return list.length / ((performance.now() - started) / 1000);
}

async function windowed(port: number, list: string[], window: number) {
  const c = await Connection.open(port);
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < list.length) await c.send(list[next++]!);
  };
  // `window` lanes share one connection: up to `window` messages unanswered at once, ACKs in order.
  await Promise.all(Array.from({ length: window }, lane));
  c.close();
  return list.length / ((performance.now() - started) / 1000);
}

async function paced(port: number, list: string[], rate: number) {
  const c = await Connection.open(port);
  const latencies: number[] = [];
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < list.length; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(c.send(list[i]!).then((ms) => void latencies.push(ms)));
  }
  await Promise.all(pending);
  c.close();
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1]! };
}

async function main() {
  const port = await freePort();
  const env = {
    VBC_TOPIC_PREFIX: `${run}.`,
    VBC_REDIS_PREFIX: run,
    LOG_LEVEL: 'warn',
    VBC_MLLP_PORT: String(port),
    VBC_METRICS_PORT: '0',
  };
  const logs = mkdtempSync(join(tmpdir(), 'vbc-bench-hl7-'));
  const services = new ServiceProcess('all', env, join(logs, 'services.log'));
  try {
    for (;;) {
      if (services.exited) throw new Error(`services exited:\n${services.logTail()}`);
      if (runVbc(env, 'status').status === 0) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    say('warming up');
    await windowed(port, messages('wu', 2_000), 10);
    say(`one connection, one message at a time: ${MESSAGES.toLocaleString('en-US')} messages`);
    const single = await oneAtATime(port, messages('s1', MESSAGES));
    say(`one connection, ${WINDOW} in flight`);
    const window = await windowed(port, messages('w1', MESSAGES), WINDOW);
    say('10 connections, one message at a time each');
    const started = performance.now();
    await Promise.all(Array.from({ length: 10 }, (_, c) => oneAtATime(port, messages(`t${c}`, MESSAGES / 10))));
    const ten = MESSAGES / ((performance.now() - started) / 1000);
    say(`paced ${PACED_RATE}/s for ${PACED_SECONDS} s`);
    const latency = await paced(port, messages('pc', PACED_RATE * PACED_SECONDS), PACED_RATE);

    const rows: [string, string][] = [
      ['one connection, one at a time (msg/s)', single.toFixed(0)],
      [`one connection, ${WINDOW} in flight (msg/s)`, window.toFixed(0)],
      ['10 connections, one at a time each (msg/s)', ten.toFixed(0)],
      [`ACK latency at ${PACED_RATE} msg/s p50 (ms)`, latency.p50.toFixed(1)],
      [`ACK latency at ${PACED_RATE} msg/s p99 (ms)`, latency.p99.toFixed(1)],
      [`ACK latency at ${PACED_RATE} msg/s max (ms)`, latency.max.toFixed(1)],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'hl7-gateway',
        messages: MESSAGES,
        oneConnectionPerSec: Math.round(single),
        oneConnectionWindow: WINDOW,
        oneConnectionWindowPerSec: Math.round(window),
        tenConnectionsPerSec: Math.round(ten),
        pacedRate: PACED_RATE,
        ackP50Ms: round(latency.p50),
        ackP99Ms: round(latency.p99),
        ackMaxMs: round(latency.max),
      })}\n`,
    );
  } finally {
    await services.stop().catch(() => undefined);
    runVbc(env, 'reset');
  }
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${(error as Error).message}\n`);
  process.exit(1);
});
