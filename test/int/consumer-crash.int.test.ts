import { KafkaJSGroupCoordinatorNotFound } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimsService } from '../../services/claims/service.ts';
import { loadConfig } from '../../shared/config/config.ts';
import { AppError, ErrorCode } from '../../shared/errors/app-error.ts';
import { startService, type RunningService } from '../../shared/service/consumer-service.ts';
import { openContext, type Context } from '../../shared/service/context.ts';
import type { ServiceSpec } from '../../shared/service/service-spec.ts';
import { claimsFeed } from '../support/claims-feed.ts';
import { isolatedEnv } from '../support/isolated.ts';
import { acoTotals } from '../support/aco-totals.ts';
import { publishClaimsFeed } from '../support/publish-claims.ts';
import { claimsLag } from '../support/publish-records.ts';
import { waitUntil } from '../support/service-process.ts';

/**
 * kafkajs restarts a consumer only after errors it takes as retriable, and asks the service about
 * those alone; after any other it stops the consumer and says nothing. A process that stays up but
 * consumes nothing would hold its partitions' records back without a word, so a service reports
 * such an error (`failed`), which makes `vbc run` exit for its supervisor to restart it.
 */
describe('integrity: a consumer stopped by an error no retry mends is reported, not left silent', () => {
  const env = { ...isolatedEnv('consumer-crash'), LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'fatal' };
  const config = loadConfig({ ...process.env, ...env });
  const feed = claimsFeed(77, 300, 40);
  let ctx: Context;

  beforeAll(async () => {
    ctx = await openContext('test-consumer-crash', config);
    await publishClaimsFeed(ctx, feed, ['attribution', 'claims']);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const failsWith = async (thrown: Error): Promise<Error> => {
    const spec: ServiceSpec = {
      ...claimsService,
      apply: async () => {
        throw thrown;
      },
    };
    let service: RunningService | null = null;
    try {
      service = await startService(ctx, spec);
      const running = service;
      return await Promise.race([
        running.failed,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`no failure reported; ready=${running.isReady()}`)), 60_000),
        ),
      ]);
    } finally {
      await service?.stop();
    }
  };

  it('an AppError that is not retriable', async () => {
    const error = new AppError(ErrorCode.CONFIG_INVALID, 'a setting no retry mends');
    expect(await failsWith(error)).toBe(error);
  }, 90_000);

  it('a programming error (TypeError), which kafkajs never retries', async () => {
    const error = new TypeError('a bug');
    expect(await failsWith(error)).toBe(error);
  }, 90_000);

  it('a broker error kafkajs takes as final (a restarted broker not yet serving its groups): the consumer starts again', async () => {
    // What a broker restart gave under a running service: kafkajs stops the consumer on it.
    const away = new (KafkaJSGroupCoordinatorNotFound as unknown as new (m: string) => Error)(
      'Failed to find group coordinator',
    );
    let thrown = 0;
    const spec: ServiceSpec = {
      ...claimsService,
      apply: async (...args) => {
        if (thrown < 2) {
          thrown += 1;
          throw away;
        }
        return claimsService.apply(...args);
      },
    };
    const service = await startService(ctx, spec);
    try {
      const failure = service.failed.then((error) => {
        throw new Error(`the service stopped: ${error.message}`);
      });
      await Promise.race([
        failure,
        waitUntil(async () => (await claimsLag(ctx, config)) === 0, 'every claim to be applied', 60_000, 250),
      ]);
      expect(thrown).toBe(2);
      expect(await acoTotals(ctx)).toEqual(feed.expected);
    } finally {
      await service.stop();
    }
  }, 90_000);
});
