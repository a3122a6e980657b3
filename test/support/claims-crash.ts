import { expect } from 'vitest';
import type { Config } from '../../shared/config/config.ts';
import type { Context } from '../../shared/service/context.ts';
import { claimsLag } from './publish-records.ts';
import { ServiceProcess, waitUntil } from './service-process.ts';
import { threadNices } from './thread-nices.ts';

/** A claims service started on a feed already published, once it has applied part of it (300 beneficiaries) and still runs. */
export async function claimsServiceMidway(
  ctx: Context,
  env: Record<string, string>,
  log: string,
): Promise<ServiceProcess> {
  const service = new ServiceProcess('claims', env, log);
  try {
    await waitUntil(
      async () => service.exited || (await ctx.stores.reads.beneficiaries()).length >= 300,
      'the service to be mid-way',
    );
    expect(service.exited, service.logTail()).toBe(false);
    // It yields the CPU to the alert path on a shared host: every thread of it, V8's and libuv's too.
    if (process.platform === 'linux') expect(new Set(threadNices(service.child.pid!))).toEqual(new Set([10]));
    return service;
  } catch (error) {
    await service.stop('SIGKILL');
    throw error;
  }
}

/**
 * The claims service over what the topics hold, killed with SIGKILL mid-way (300 beneficiaries
 * stored, records still uncommitted), then started again until its group has caught up and stopped.
 */
export async function killMidwayAndCatchUp(
  ctx: Context,
  config: Config,
  env: Record<string, string>,
  log: string,
): Promise<void> {
  const first = await claimsServiceMidway(ctx, env, log);
  await first.stop('SIGKILL');
  // The crash really was mid-way: records were left uncommitted.
  expect(await claimsLag(ctx, config)).toBeGreaterThan(0);

  const second = new ServiceProcess('claims', env, log);
  try {
    await waitUntil(
      async () => (await claimsLag(ctx, config)) === 0,
      'the restarted service to catch up',
      150_000,
      250,
    );
    expect(await second.stop('SIGTERM')).toBe(0);
  } finally {
    await second.stop('SIGKILL');
  }
}
