import { loadConfig } from '../../../shared/config/config.ts';
import { startService, type RunningService } from '../../../shared/service/consumer-service.ts';
import { cpuNiceFor, lowerCpuPriority } from '../../../shared/service/cpu-priority.ts';
import { openContext } from '../../../shared/service/context.ts';
import { describeSecurity, maskUrl } from '../../../shared/config/security.ts';
import { metrics } from '../../../shared/metrics/registry.ts';
import { startOpsServer } from '../../../shared/metrics/ops-server.ts';
import { startAdtGateway, type RunningGateway } from '../../adt-gateway/service.ts';
import { fastRecordDecoding } from '../../../shared/kafka/record-decoder.ts';
import { SERVICES } from '../../registry.ts';
import { startWeb, type RunningWeb } from '../../web/service.ts';
import { readiness, startOpsSampler } from '../ops-sampler.ts';
import type { Command } from './command.ts';

const SHUTDOWN_BUDGET_MS = 10_000;
const GATEWAY = 'adt-gateway';
const WEB = 'web';

export const runCommand: Command = {
  usage: `run all|${Object.keys(SERVICES).join('|')}|${GATEWAY}|${WEB}`,
  summary: 'run the consumer services, the HL7 ADT gateway and the web application until SIGTERM or Ctrl-C',
  help: `Runs the named service (or all of them) in this process. SIGTERM or Ctrl-C stops gracefully: each
consumer finishes its batch, commits and disconnects within 10 seconds; the gateway answers the
messages it is handling and closes its connections.
The ADT gateway listens for HL7 v2 over MLLP on VBC_MLLP_HOST:VBC_MLLP_PORT (127.0.0.1:2575;
VBC_MLLP_PORT=0 any free port, off: run all starts no gateway). TLS with VBC_MLLP_TLS_CERT_FILE and
VBC_MLLP_TLS_KEY_FILE (client certificates required with VBC_MLLP_TLS_CLIENT_CA_FILE); only the
senders in VBC_MLLP_ALLOWED_FACILITIES (MSH-4, comma-separated) when set; messages up to
VBC_MLLP_MAX_MESSAGE_BYTES (1 MiB).
The web application (worklist, patient pages, finance) listens on VBC_WEB_HOST:VBC_WEB_PORT
(127.0.0.1:8080; off: run all starts none) for the users of VBC_WEB_USERS_FILE; HTTPS with
VBC_WEB_TLS_CERT_FILE and VBC_WEB_TLS_KEY_FILE.
Serves Prometheus metrics on http://VBC_METRICS_HOST:VBC_METRICS_PORT/metrics (127.0.0.1:9464;
port 0 turns it off), /healthz (the process answers) and /readyz (200 once every consumer joined its
group and Redis answers, else 503).`,
  positionals: 1,
  async run(input) {
    const which = input.positionals[0] ?? 'all';
    const names = which === 'all' ? Object.keys(SERVICES) : which === GATEWAY || which === WEB ? [] : [which];
    for (const n of names)
      if (!SERVICES[n])
        throw new Error(
          `unknown service '${n}' (one of: all, ${Object.keys(SERVICES).join(', ')}, ${GATEWAY}, ${WEB})`,
        );
    // Listen for SIGTERM before anything starts: a stop asked for while connecting or joining
    // groups (a deploy during a rebalance) is as graceful as one asked for later.
    let stopRequested = false;
    const stopped = new Promise<void>((resolve) => {
      const stop = () => {
        stopRequested = true;
        resolve();
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    const config = loadConfig();
    // Before connecting: threads started from here on (the clients' sockets, libuv's pool) inherit it.
    const cpuNice = cpuNiceFor(
      config.cpuNice,
      names.map((n) => SERVICES[n]!),
    );
    if (cpuNice > 0) lowerCpuPriority(cpuNice);
    const ctx = await openContext(`vbc-${which}`, config);
    const withGateway = which === GATEWAY || (which === 'all' && ctx.config.mllp.port !== null);
    const running: RunningService[] = [];
    const withWeb = which === WEB || (which === 'all' && ctx.config.web.port !== null);
    let gateway: RunningGateway | null = null;
    let web: RunningWeb | null = null;
    try {
      if (withGateway) gateway = await startAdtGateway(ctx);
      if (withWeb) web = await startWeb(ctx);
      // Side by side: one group waiting for a crashed member to expire does not hold up the others.
      const started = await Promise.allSettled(names.map((n) => startService(ctx, SERVICES[n]!)));
      for (const s of started) if (s.status === 'fulfilled') running.push(s.value);
      const failed = started.find((s) => s.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    } catch (error) {
      await Promise.all([...running.map((r) => r.stop()), gateway?.stop(), web?.stop()]);
      await ctx.close();
      throw error;
    }
    const parts = [...running, ...(gateway ? [gateway] : []), ...(web ? [web] : [])];
    const sampler = startOpsSampler(ctx, running);
    const ops =
      ctx.config.metricsPort === 0 || stopRequested
        ? null
        : await startOpsServer(
            ctx.config.metricsHost,
            ctx.config.metricsPort,
            metrics,
            () => readiness(ctx, parts),
            ctx.logger,
          );
    if (!stopRequested) {
      const c = ctx.config;
      ctx.logger.info(
        {
          services: [...names, ...(gateway ? [GATEWAY] : []), ...(web ? [WEB] : [])],
          ...(gateway ? { mllp: `${gateway.listener.host}:${gateway.listener.port}` } : {}),
          ...(web ? { web: web.url } : {}),
          brokers: c.kafkaBrokers,
          registry: maskUrl(c.schemaRegistryUrl),
          redis: maskUrl(c.redisUrl),
          security: describeSecurity(c.security),
          cpuNice,
          fastRecordDecoding: await fastRecordDecoding(),
        },
        'running; SIGTERM or Ctrl-C stops gracefully',
      );
    }
    // Until a stop is asked for, or a consumer failed for good (an error no retry will mend).
    const failure = await Promise.race([stopped.then(() => null), ...parts.map((r) => r.failed)]);
    // Graceful: each consumer finishes its batch and commits, then the connections close.
    const timer = setTimeout(() => {
      ctx.logger.error('graceful shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_BUDGET_MS);
    timer.unref();
    sampler.stop();
    ops?.close();
    // The gateway first: its last messages are published with the context's producer.
    await gateway?.stop();
    await web?.stop();
    await Promise.all(running.map((r) => r.stop()));
    await ctx.close();
    if (failure) throw failure;
    return 0;
  },
};
