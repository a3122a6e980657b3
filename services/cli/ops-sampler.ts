import { M, metrics } from '../../shared/metrics/registry.ts';
import type { RunningService } from '../../shared/service/consumer-service.ts';
import type { Context } from '../../shared/service/context.ts';
import { serviceLag } from './catch-up.ts';

/** Samples what no batch measures: each running service's consumer lag and a Redis PING, every few seconds. */
export function startOpsSampler(
  ctx: Context,
  running: Pick<RunningService, 'name'>[],
  everyMs = 5000,
): { stop(): void } {
  const names = new Set(running.map((r) => r.name));
  let busy = false;
  const sample = async () => {
    if (busy) return;
    busy = true;
    try {
      const started = performance.now();
      await ctx.redis.ping();
      metrics.set(...M.redisPing, {}, (performance.now() - started) / 1000);
      for (const l of await serviceLag(ctx))
        if (names.has(l.service)) metrics.set(...M.consumerLag, { service: l.service }, l.lag);
    } catch (error) {
      ctx.logger.debug({ reason: (error as Error).message }, 'ops sample failed');
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void sample(), everyMs);
  timer.unref();
  void sample();
  return { stop: () => clearInterval(timer) };
}

/** /readyz: every consumer joined its group (and the gateway listens), and Redis answers. */
export async function readiness(ctx: Context, running: Pick<RunningService, 'name' | 'isReady'>[]) {
  const waiting = running.filter((r) => !r.isReady()).map((r) => r.name);
  const redisOk = await Promise.race([
    ctx.redis.ping().then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((r) => setTimeout(() => r(false), 1000)),
  ]);
  const ready = waiting.length === 0 && redisOk;
  const detail = ready
    ? `ready: ${running.map((r) => r.name).join(', ')}`
    : `not ready:${waiting.length ? ` waiting for ${waiting.join(', ')} to join their groups;` : ''}${redisOk ? '' : ' Redis does not answer'}`;
  return { ready, detail };
}
