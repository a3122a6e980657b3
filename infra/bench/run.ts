/**
 * `npm run bench`: the product's speed as a ratio to what this machine's Kafka and Redis can do,
 * measured in one run on the local stack (see README, Performance). Not a test: it reports.
 *   BENCH_CLAIMS (500000), BENCH_BENEFICIARIES (a tenth of the claims), BENCH_ADT_RATE (1000
 *   records/s), BENCH_ADT_SECONDS (20), BENCH_CLAIMS_INSTANCES (1)
 */
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportState } from '../../services/cli/state-export.ts';
import { reconcile } from '../../shared/engine/reconcile.ts';
import { loadConfig } from '../../shared/config/config.ts';
import { recordKey } from '../../shared/kafka/topics.ts';
import { unlinkMatching } from '../../shared/redis/unlink-matching.ts';
import { valueSubject } from '../../shared/registry/schemas.ts';
import { groupIdFor } from '../../shared/service/consumer-service.ts';
import { openContext, type Context } from '../../shared/service/context.ts';
import { claimsFeed } from '../../test/support/claims-feed.ts';
import { publishClaimsFeed } from '../../test/support/publish-claims.ts';
import { freePort } from '../../test/support/free-port.ts';
import { ServiceProcess, waitUntil } from '../../test/support/service-process.ts';
import { groupLag } from '../../services/cli/catch-up.ts';
import {
  machineCpuSeconds,
  measureGroup,
  microsPerRecordBetween,
  ownCpuSeconds,
  peakRssMb,
  percentile,
  processCpuSeconds,
  readMeters,
  stackProcessMeter,
  type CpuMeter,
} from './measure.ts';

const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 500_000);
const BENEFICIARIES = Number(process.env.BENCH_BENEFICIARIES ?? Math.max(1, Math.round(CLAIMS / 10)));
const ADT_RATE = Number(process.env.BENCH_ADT_RATE ?? 1000);
const ADT_SECONDS = Number(process.env.BENCH_ADT_SECONDS ?? 20);
/**
 * ADT records flow this long before what is measured: alerts at a steady rate (3) are counted from
 * then, and the claims burst (3b) starts then. In production the ADT services are warm; a service
 * just started spends its first seconds compiling its code (README, "Alerts measured on running
 * services").
 */
const WARMUP_MS = 5000;
const INSTANCES = Math.max(1, Number(process.env.BENCH_CLAIMS_INSTANCES ?? 1));
const run = `bench-${Date.now().toString(36)}`;
const env = { VBC_TOPIC_PREFIX: `${run}.`, VBC_REDIS_PREFIX: run, VBC_PARTITIONS: '6', LOG_LEVEL: 'warn' };
const config = loadConfig({ ...process.env, ...env });
const work = mkdtempSync(join(tmpdir(), 'vbc-bench-'));
const say = (s: string) => process.stderr.write(`bench: ${s}\n`);

const us = (micros: number | null) => (micros === null ? 'n/a' : `${micros} µs`);

/** Whether a `vbc run` process's /readyz on this port answers 200 (every consumer joined its group). */
async function isReady(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200;
  } catch {
    return false; // not listening yet
  }
}

async function usedMemory(ctx: Context): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await ctx.redis.info('memory'))?.[1] ?? 0);
}

/**
 * Where the rest of the machine's CPU goes while a consumer runs: Redis (its own count, so also for
 * a Redis elsewhere), the local broker, and the whole machine (every process on every core).
 */
function machineMeters(ctx: Context): Record<'redis' | 'broker' | 'machine', CpuMeter> {
  return {
    redis: async () => {
      const info = await ctx.redis.info('cpu');
      const seconds = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
      const total = seconds('used_cpu_sys') + seconds('used_cpu_user');
      return Number.isFinite(total) ? total : null;
    },
    broker: stackProcessMeter('kafka'),
    machine: machineCpuSeconds,
  };
}

/**
 * A plain kafkajs consumer over the claims and attribution topics (kafkajs's default fetch sizes, two
 * partitions at once) that decodes every record, and with `store` also keeps each in Redis: one
 * HSET per record under its beneficiary (the record's bytes under its id), one pipeline per batch.
 * 1. The ceiling decodes only. For context, not the ratio: the storing one is what any service
 * that keeps every record pays before it applies a single rule.
 */
async function plainConsumer(ctx: Context, total: number, store: boolean) {
  const groupId = `${run}.ceiling${store ? '-storing' : ''}`;
  const topics = [ctx.topics.input('claims'), ctx.topics.input('attribution')];
  const consumer = ctx.kafka.consumer({
    groupId,
    sessionTimeout: 30000,
    heartbeatInterval: 3000,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    autoCommit: true,
    autoCommitThreshold: 1,
    partitionsConsumedConcurrently: 2,
    eachBatch: async ({ batch }) => {
      await ctx.codec.prepare(batch.messages.map((m) => m.value));
      const pipeline = store ? ctx.redis.pipeline() : null;
      for (const m of batch.messages) {
        try {
          const value = ctx.codec.decode(m.value) as { mbi?: string; claimId?: string };
          pipeline?.hset(`${run}:ceiling:{${value.mbi}}`, value.claimId ?? m.offset, m.value!);
        } catch {
          // bad records cost a decode attempt, as in the service
        }
      }
      await pipeline?.exec();
    },
  });
  const result = await measureGroup(ctx.admin, groupId, topics, total, {
    cpu: ownCpuSeconds,
    meters: machineMeters(ctx),
  });
  await consumer.disconnect();
  if (store) await unlinkMatching(ctx.redis, `${run}:ceiling:*`);
  return result;
}

/**
 * 3. Alert latency: readmission admissions at a fixed ADT rate, until the alert is readable on the
 * alerts topic. With `burst`, ADT records are published while it runs (a claims burst), and stop
 * when it is done: what care managers see while a monthly claims file goes through.
 */
async function alertLatency(ctx: Context, name: string, burst?: () => Promise<{ done: Promise<void> }>) {
  // Each on a port of its own, so that its /readyz says when it has joined its group.
  const ports = [await freePort(), await freePort()];
  const services = (['admissions', 'discharges'] as const).map(
    (name, i) => new ServiceProcess(name, { ...env, VBC_METRICS_PORT: String(ports[i]) }, join(work, 'adt.log')),
  );
  try {
    const published = new Map<string, number>();
    const latencies: number[] = [];
    // Where the time goes: publish to the alert's produce (its CreateTime: the services), then to the read.
    const inServices: number[] = [];
    const reader = ctx.kafka.consumer({ groupId: `${run}.alert-reader-${name}`, maxWaitTimeInMs: 10 });
    let readerJoined = false;
    reader.on(reader.events.GROUP_JOIN, () => {
      readerJoined = true;
    });
    await reader.connect();
    await reader.subscribe({ topic: ctx.topics.output('alerts'), fromBeginning: true });
    await reader.run({
      eachBatch: async ({ batch }) => {
        const now = Date.now();
        await ctx.codec.prepare(batch.messages.map((m) => m.value));
        for (const m of batch.messages) {
          const alert = ctx.codec.decode(m.value) as { subjectId: string; action: string };
          const sent = published.get(alert.subjectId);
          if (sent === undefined || alert.action !== 'RAISED') continue;
          latencies.push(now - sent);
          inServices.push(Number(m.timestamp) - sent);
        }
      },
    });
    // What is measured is the services running, not their start: the first ADT record goes once
    // both have joined their groups (their /readyz) and the reader its own. A fixed wait was not
    // enough on a loaded machine (one service joined 12 s after the other), and every alert of the
    // run then waited for it.
    await waitUntil(
      async () => readerJoined && (await Promise.all(ports.map(isReady))).every(Boolean),
      'the ADT services and the alert reader to join their groups',
    );

    // Each beneficiary: an index admission and discharge, then ~2 s later the readmission admission.
    // Beneficiaries of their own per run (a stay already held raises nothing).
    const total = ADT_RATE * (burst ? 600 : ADT_SECONDS + WARMUP_MS / 1000);
    const records: { topic: 'admissions' | 'discharges'; value: Record<string, unknown>; readmission?: string }[] = [];
    const pending: typeof records = [];
    for (let b = 0; records.length + pending.length < total; b++) {
      const mbi = `8${name.slice(0, 1).toUpperCase()}${String(b).padStart(9, '0')}`;
      records.push({
        topic: 'admissions',
        value: {
          encounterId: `${mbi}-1`,
          mbi,
          facilityId: 'F1',
          admitDate: '2026-03-01',
          encounterClass: 'INPATIENT',
          admitType: 'EMERGENCY',
          plannedProcedure: false,
        },
      });
      records.push({
        topic: 'discharges',
        value: {
          encounterId: `${mbi}-1`,
          mbi,
          facilityId: 'F1',
          admitDate: '2026-03-01',
          dischargeDate: '2026-03-05',
          disposition: '01',
          encounterClass: 'INPATIENT',
        },
      });
      pending.push({
        topic: 'admissions',
        value: {
          encounterId: `${mbi}-2`,
          mbi,
          facilityId: 'F2',
          admitDate: '2026-03-12',
          encounterClass: 'INPATIENT',
          admitType: 'EMERGENCY',
          plannedProcedure: false,
        },
        readmission: `${mbi}-2`,
      });
      if (pending.length > (ADT_RATE * 2) / 3) records.push(pending.shift()!);
    }
    records.push(...pending);
    // ADT flows for WARMUP_MS first; then the burst starts (3b). Only readmissions published after
    // the warm-up (with a burst: once it has started) are counted.
    let burstDone = false;
    let burstRun: Promise<void> | undefined;
    const started = Date.now();
    let measuredFrom = burst ? Infinity : started + WARMUP_MS;
    const slice = Math.max(1, Math.round(ADT_RATE / 50)); // every 20 ms
    let sent = 0;
    // What the measured window costs per ADT record: the two services' own CPU, Redis's and the
    // broker's (which the claims burst shares, so only the steady phase says what ADT costs).
    const { redis, broker } = machineMeters(ctx);
    const meters = {
      services: () => services.reduce((sum, s) => sum + processCpuSeconds(s.child.pid!), 0),
      redis,
      broker,
    };
    let windowStart: { sent: number; cpu: Record<keyof typeof meters, number | null> } | undefined;
    const cpuNow = async () => ({ sent, cpu: await readMeters(meters) });
    for (let i = 0; i < records.length && !burstDone; i += slice) {
      const chunk = records.slice(i, i + slice);
      const now = Date.now();
      if (burst && !burstRun && now - started >= WARMUP_MS) {
        burstRun = burst()
          .then((b) => {
            measuredFrom = Date.now();
            return b.done;
          })
          .finally(() => {
            burstDone = true;
          });
        burstRun.catch(() => undefined); // awaited below
      }
      if (now >= measuredFrom) {
        windowStart ??= await cpuNow();
        for (const r of chunk) if (r.readmission) published.set(r.readmission, now);
      }
      await ctx.producer.sendBatch({
        acks: -1,
        topicMessages: (['admissions', 'discharges'] as const)
          .map((t) => ({
            topic: ctx.topics.input(t),
            messages: chunk
              .filter((r) => r.topic === t)
              .map((r) => ({
                key: recordKey(t, r.value),
                value: ctx.codec.encode(valueSubject(ctx.topics.input(t)), r.value),
              })),
          }))
          .filter((tm) => tm.messages.length > 0),
      });
      sent += chunk.length;
      const due = started + ((i + chunk.length) / ADT_RATE) * 1000;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    }
    const achievedRate = Math.round(sent / ((Date.now() - started) / 1000));
    const end = windowStart ? await cpuNow() : undefined;
    const spent =
      windowStart && end && end.sent > windowStart.sent
        ? microsPerRecordBetween(windowStart.cpu, end.cpu, end.sent - windowStart.sent)
        : undefined;
    const perRecord = (micros: number | null | undefined) => (micros == null ? null : Math.round(micros));
    await burstRun;
    // Readmissions published (a burst may end before its index stays had theirs).
    const expected = published.size;
    const deadline = Date.now() + 60_000;
    while (latencies.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await reader.disconnect();
    latencies.sort((a, b) => a - b);
    inServices.sort((a, b) => a - b);
    return {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      servicesP50: percentile(inServices, 50),
      servicesP99: percentile(inServices, 99),
      samples: latencies.length,
      expected,
      achievedRate,
      servicesCpuMicrosPerRecord: perRecord(spent?.services),
      redisCpuMicrosPerRecord: perRecord(spent?.redis),
      brokerCpuMicrosPerRecord: perRecord(spent?.broker),
    };
  } finally {
    for (const s of services) await s.stop('SIGTERM');
  }
}

/**
 * 3b. The burst for alert latency under load: the claims service of its own (consumer group and
 * Redis prefix) reads every claim again from the start, as it would a new monthly file. Resolves
 * once it has committed its first records; `done` once it has them all.
 */
function claimsBurst(ctx: Context) {
  return async () => {
    const burstEnv = { ...env, VBC_GROUP_PREFIX: `${run}.burst.`, VBC_REDIS_PREFIX: `${run}:burst` };
    const groupId = groupIdFor(burstEnv.VBC_GROUP_PREFIX, 'claims');
    const topics = [ctx.topics.input('claims'), ctx.topics.input('attribution')];
    // Everything on the topics by now (the expiry pass added its own claims).
    const total = await groupLag(ctx.admin, groupId, topics);
    const service = new ServiceProcess('claims', burstEnv, join(work, 'claims-burst.log'));
    const check = () => {
      if (service.exited) throw new Error(`the claims service of the burst exited: ${service.logTail()}`);
    };
    try {
      await waitUntil(
        async () => {
          check();
          return (await groupLag(ctx.admin, groupId, topics)) < total;
        },
        'the burst to start',
        60_000,
        50,
      );
    } catch (error) {
      await service.stop('SIGTERM');
      throw error;
    }
    const done = measureGroup(ctx.admin, groupId, topics, total, {
      cpu: () => processCpuSeconds(service.child.pid!),
      meters: {},
      check,
    })
      .then(() => undefined)
      .finally(() => service.stop('SIGTERM'));
    return { done };
  };
}

/**
 * 4. Expiry: the final reconciliation of 2026 after its run-out (as `vbc reconcile --as-of
 * 2027-04-01` runs it) closes the year; the claims service folds 2026 and the totals must not move.
 */
async function expiryPass(ctx: Context, feed: ReturnType<typeof claimsFeed>) {
  const service = new ServiceProcess(
    'claims',
    { ...env, VBC_SCHEDULE_CHECK_MS: '500' },
    join(work, 'claims-expiry.log'),
  );
  const started = Date.now();
  await reconcile(ctx.stores, '2027-04-01', ctx.config.overrunThresholds, 'bench', ctx.config.claimsRunoutDays);
  const deadline = Date.now() + 600_000;
  while ((await ctx.redis.get(ctx.keys.compactedThrough)) !== '2026') {
    if (service.exited) throw new Error(`the claims service exited: ${service.logTail()}`);
    if (Date.now() > deadline) throw new Error('2026 was not folded within 10 minutes');
    await new Promise((r) => setTimeout(r, 200));
  }
  const seconds = (Date.now() - started) / 1000;
  await service.stop('SIGTERM');
  const state = await exportState(ctx.stores);
  const actual = Object.fromEntries(
    state.acos
      .filter((a) => a.performanceYear === 2026)
      .map((a) => [
        `${a.acoId}|${a.performanceYear}`,
        { expenditureCents: a.expenditureCents, claimRecords: a.claimRecords },
      ]),
  );
  const verified =
    JSON.stringify(actual, Object.keys(actual).sort()) ===
    JSON.stringify(feed.expected, Object.keys(feed.expected).sort());
  return { verified, seconds };
}

async function main() {
  const ctx = await openContext('vbc-bench', config);
  try {
    say(
      `generating ${CLAIMS.toLocaleString('en-US')} claims (duplicates, cancellations, adjustments, 1% bad) for ${BENEFICIARIES.toLocaleString('en-US')} beneficiaries`,
    );
    const feed = claimsFeed(2026, CLAIMS, BENEFICIARIES);
    const t0 = Date.now();
    await publishClaimsFeed(ctx, feed, ['attribution', 'claims']);
    const total = feed.attribution.length + feed.records.length;
    const publishPerSec = Math.round(total / ((Date.now() - t0) / 1000));
    say(`published ${total.toLocaleString('en-US')} records at ${publishPerSec.toLocaleString('en-US')}/s`);

    say('1. ceiling: a consumer that only decodes');
    const top = await plainConsumer(ctx, total, false);

    say('1b. for context: a consumer that decodes and stores each record');
    const storing = await plainConsumer(ctx, total, true);

    say('2. the claims service, end to end');
    const memBefore = await usedMemory(ctx);
    // BENCH_SERVICE_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the service.
    // BENCH_CLAIMS_INSTANCES > 1 runs that many instances in the group (scaling out on this machine):
    // CPU is summed over them, RSS is the largest.
    const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const services = Array.from(
      { length: INSTANCES },
      (_, i) => new ServiceProcess('claims', env, join(work, `claims-${i}.log`), nodeArgs),
    );
    const claimsRun = await measureGroup(
      ctx.admin,
      groupIdFor(config.groupPrefix, 'claims'),
      [ctx.topics.input('claims'), ctx.topics.input('attribution')],
      total,
      {
        cpu: () => services.reduce((sum, s) => sum + processCpuSeconds(s.child.pid!), 0),
        meters: machineMeters(ctx),
        check: () => {
          for (const s of services) if (s.exited) throw new Error(`the claims service exited: ${s.logTail()}`);
        },
      },
    );
    const rssMb = Math.max(...services.map((s) => peakRssMb(s.child.pid!)));
    for (const s of services) await s.stop('SIGTERM');
    const memAfter = await usedMemory(ctx);
    const state = await exportState(ctx.stores);
    const actual = Object.fromEntries(
      state.acos.map((a) => [
        `${a.acoId}|${a.performanceYear}`,
        { expenditureCents: a.expenditureCents, claimRecords: a.claimRecords },
      ]),
    );
    const verified =
      JSON.stringify(actual, Object.keys(actual).sort()) ===
        JSON.stringify(feed.expected, Object.keys(feed.expected).sort()) &&
      Object.keys(actual).length === Object.keys(feed.expected).length;
    const beneficiaries = (await ctx.stores.reads.beneficiaries()).length;
    const distinctClaims = new Set(feed.records.flatMap((r) => ('good' in r ? [r.good.claimId] : []))).size;

    say(
      '4. memory after expiry: the final reconciliation as of 2027-04-01 closes 2026 (its run-out ended March 31, 2027)',
    );
    const expiry = await expiryPass(ctx, feed);
    const memExpired = await usedMemory(ctx);

    say(`3. alert latency at ${ADT_RATE} ADT records/s for ${ADT_SECONDS}s`);
    const latency = await alertLatency(ctx, 'steady');

    say(`3b. alert latency at ${ADT_RATE} ADT records/s while the claims service reads every claim again`);
    const underLoad = await alertLatency(ctx, 'burst', claimsBurst(ctx));

    const ratio = Math.round((claimsRun.perSec / top.perSec) * 100) / 100;
    // What the whole machine may spend per record if the service is to do half the ceiling's rate.
    const cores = availableParallelism();
    const budgetAtHalf = Math.round(((cores * 1e6) / (top.perSec / 2)) * 10) / 10;
    const spent = claimsRun.microsPerRecord;
    const result = {
      claimsPerSec: claimsRun.perSec,
      ceilingPerSec: top.perSec,
      ratio,
      stateVerified: verified,
      claimsCpuMicrosPerRecord: claimsRun.cpuMicrosPerRecord,
      ceilingCpuMicrosPerRecord: top.cpuMicrosPerRecord,
      machineCpuMicrosPerRecord: spent.machine,
      redisCpuMicrosPerRecord: spent.redis,
      brokerCpuMicrosPerRecord: spent.broker,
      ceilingMachineCpuMicrosPerRecord: top.microsPerRecord.machine,
      machineCpuMicrosPerRecordAtHalfCeiling: budgetAtHalf,
      storingCeilingPerSec: storing.perSec,
      ratioToStoringCeiling: Math.round((claimsRun.perSec / storing.perSec) * 100) / 100,
      alertP50Ms: latency.p50,
      alertP99Ms: latency.p99,
      alertServicesP50Ms: latency.servicesP50,
      alertServicesP99Ms: latency.servicesP99,
      alertSamples: latency.samples,
      adtRatePerSec: latency.achievedRate,
      adtServicesCpuMicrosPerRecord: latency.servicesCpuMicrosPerRecord,
      adtRedisCpuMicrosPerRecord: latency.redisCpuMicrosPerRecord,
      adtBrokerCpuMicrosPerRecord: latency.brokerCpuMicrosPerRecord,
      alertP50MsDuringClaimsBurst: underLoad.p50,
      alertP99MsDuringClaimsBurst: underLoad.p99,
      alertServicesP99MsDuringClaimsBurst: underLoad.servicesP99,
      alertSamplesDuringClaimsBurst: underLoad.samples,
      redisBytesPerBeneficiary: Math.round((memAfter - memBefore) / Math.max(1, beneficiaries)),
      redisBytesPerClaim: Math.round((memAfter - memBefore) / Math.max(1, distinctClaims)),
      redisBytesPerClaimAfterRunout: Math.round((memExpired - memBefore) / Math.max(1, distinctClaims)),
      rssMb,
      claimsPeakRssMb: rssMb,
      stateVerifiedAfterRunout: expiry.verified,
      foldSeconds: expiry.seconds,
    };
    const rows: [string, string][] = [
      ['records published (claims + attribution)', total.toLocaleString('en-US')],
      ['publish rate', `${publishPerSec.toLocaleString('en-US')}/s`],
      ['ceiling: decode-only consumer', `${top.perSec.toLocaleString('en-US')}/s`],
      [
        'for context: a consumer that decodes and stores',
        `${storing.perSec.toLocaleString('en-US')}/s (${storing.cpuMicrosPerRecord} µs CPU per record)`,
      ],
      [
        'claims service end to end',
        `${claimsRun.perSec.toLocaleString('en-US')}/s (${claimsRun.seconds.toFixed(1)} s${INSTANCES > 1 ? `, ${INSTANCES} instances` : ''})`,
      ],
      ['ratio', `${ratio} (to the consumer that also stores: ${result.ratioToStoringCeiling})`],
      ['CPU per record: claims service / ceiling', `${claimsRun.cpuMicrosPerRecord} µs / ${top.cpuMicrosPerRecord} µs`],
      [
        'machine CPU per record, service run',
        `${us(spent.machine)}: service ${us(claimsRun.cpuMicrosPerRecord)}, Redis ${us(spent.redis)}, broker ${us(spent.broker)}`,
      ],
      [
        'machine CPU per record, ceiling run',
        `${us(top.microsPerRecord.machine)}: consumer ${us(top.cpuMicrosPerRecord)}, broker ${us(top.microsPerRecord.broker)}`,
      ],
      [
        'machine CPU per record at ratio 0.5',
        `${us(budgetAtHalf)} (${cores} cores at ${Math.round(top.perSec / 2).toLocaleString('en-US')} records/s)`,
      ],
      ['state verified against the oracle', verified ? 'yes' : 'NO'],
      [
        'alert latency p50 / p99',
        `${latency.p50} ms / ${latency.p99} ms (${latency.samples} of ${latency.expected} alerts, ${latency.achievedRate} ADT records/s; publish to the alert's produce ${latency.servicesP50} / ${latency.servicesP99} ms)`,
      ],
      [
        'CPU per ADT record at that rate',
        `services ${us(latency.servicesCpuMicrosPerRecord)}, Redis ${us(latency.redisCpuMicrosPerRecord)}, broker ${us(latency.brokerCpuMicrosPerRecord)}`,
      ],
      [
        'alert latency p50 / p99 during a claims burst',
        `${underLoad.p50} ms / ${underLoad.p99} ms (${underLoad.samples} of ${underLoad.expected} alerts, ${underLoad.achievedRate} ADT records/s)`,
      ],
      [
        'Redis bytes per beneficiary / per claim record',
        `${result.redisBytesPerBeneficiary} / ${result.redisBytesPerClaim}`,
      ],
      [
        'Redis bytes per claim record after the run-out',
        `${result.redisBytesPerClaimAfterRunout} (2026 folded in ${expiry.seconds.toFixed(1)} s; state verified: ${expiry.verified ? 'yes' : 'NO'})`,
      ],
      ['claims service peak RSS', `${rssMb} MB${INSTANCES > 1 ? ` (the largest of ${INSTANCES} instances)` : ''}`],
    ];
    for (const [k, v] of rows) console.log(`${k.padEnd(48)} ${v}`);
    console.log(JSON.stringify(result));
    if (!verified || !expiry.verified) process.exitCode = 1;
  } finally {
    // The bench's topics and keys are its own: remove them so repeated runs do not fill the stack.
    const topics = (await ctx.admin.listTopics()).filter((t) => t.startsWith(`${run}.`));
    await ctx.admin.deleteTopics({ topics }).catch(() => undefined);
    await unlinkMatching(ctx.redis, `${run}:*`);
    await ctx.close();
  }
}

await main();
