import { expect } from 'vitest';
import type { Config } from '../../shared/config/config.ts';
import type { Context } from '../../shared/service/context.ts';
import { claimsLag } from './publish-records.ts';
import { ServiceProcess, waitUntil } from './service-process.ts';

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
  const first = new ServiceProcess('claims', env, log);
  try {
    await waitUntil(
      async () => first.exited || (await ctx.stores.reads.beneficiaries()).length >= 300,
      'the service to be mid-way',
    );
    expect(first.exited, first.logTail()).toBe(false);
  } finally {
    await first.stop('SIGKILL');
  }
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
