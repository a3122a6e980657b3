import { Redis } from 'ioredis';
import type { Config } from '../config/config.ts';
import { redisSecurityOptions } from '../config/security.ts';
import { AppError, ErrorCode } from '../errors/app-error.ts';
import { withTimeout } from '../kafka/connect.ts';
import type { Logger } from '../logging/logger.ts';

/**
 * An ioredis client that queues commands while reconnecting (a Redis restart pauses work rather than
 * failing it) and fails fast at start when Redis is not there at all.
 */
export async function connectRedis(config: Config, logger?: Logger): Promise<Redis> {
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    enableAutoPipelining: false,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    ...redisSecurityOptions(config.security, config.redisUrl),
  });
  const where = new URL(config.redisUrl).host;
  // One line when Redis goes away and one when it is back, instead of a stack trace per retry.
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger?.warn({ redis: where, reason: error.message }, 'Redis connection lost; commands wait until it is back');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger?.info({ redis: where }, 'Redis connection back');
  });
  try {
    await withTimeout(redis.connect(), config.connectTimeoutMs, () =>
      new AppError(ErrorCode.REDIS_UNREACHABLE, `cannot reach Redis at ${where}`, { retriable: true }),
    );
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    if (error instanceof AppError) throw error;
    throw new AppError(ErrorCode.REDIS_UNREACHABLE, `cannot reach Redis at ${where} (${(error as Error).message})`, { retriable: true, cause: error });
  }
}
