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
  let lastError: string | null = null;
  redis.on('error', (error: Error) => {
    lastError = error.message;
    if (down) return;
    down = true;
    logger?.warn({ redis: where, reason: error.message }, 'Redis connection lost; commands wait until it is back');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger?.info({ redis: where }, 'Redis connection back');
  });
  // What went wrong, for the one line a failed start prints: the last error Redis or the TLS layer gave.
  const failure = (error?: unknown) => {
    const reason = lastError ?? (error instanceof Error ? error.message : null);
    if (reason !== null && /WRONGPASS|NOAUTH|invalid password/i.test(reason)) {
      return new AppError(ErrorCode.REDIS_AUTH_FAILED, `Redis at ${where} refused the password (REDIS_PASSWORD, or the URL's): ${reason}`, { cause: error });
    }
    return new AppError(ErrorCode.REDIS_UNREACHABLE, `cannot reach Redis at ${where}` + (reason ? ` (${reason})` : ''), { retriable: true, cause: error });
  };
  try {
    await withTimeout(redis.connect(), config.connectTimeoutMs, () => failure());
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    throw error instanceof AppError ? error : failure(error);
  }
}
