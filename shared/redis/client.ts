import { Cluster, Redis } from 'ioredis';
import type { Config } from '../config/config.ts';
import { clientCertificateHint, redisSecurityOptions, redisUsesTls } from '../config/security.ts';
import { AppError, ErrorCode } from '../errors/app-error.ts';
import { withTimeout } from '../kafka/connect.ts';
import type { Logger } from '../logging/logger.ts';

/** One Redis, or a Redis Cluster (REDIS_CLUSTER_NODES): the same commands; keys of one call share a slot. */
export type RedisClient = Redis | Cluster;

export const isCluster = (redis: RedisClient): redis is Cluster => redis instanceof Cluster;

/** A cluster seed node as ioredis takes it, from host:port or a redis[s]:// URL. */
function seedNode(node: string): { host: string; port: number } {
  const url = new URL(node.includes('://') ? node : `redis://${node}`);
  return { host: url.hostname, port: Number(url.port) };
}

/**
 * An ioredis client that queues commands while reconnecting (a Redis restart or a cluster failover
 * pauses work rather than failing it) and fails fast at start when Redis is not there at all. With
 * REDIS_CLUSTER_NODES, a cluster client: it follows MOVED and ASK redirections (resharding) and, on a
 * failover, retries a command once the cluster names the new primary; scripts are sent by hash and
 * loaded again on a node that does not know them (NOSCRIPT).
 */
export async function connectRedis(config: Config, logger?: Logger): Promise<RedisClient> {
  const clustered = config.redisClusterNodes.length > 0;
  const tlsUrl = clustered
    ? (config.redisClusterNodes.find((n) => n.startsWith('rediss:')) ?? 'redis:')
    : config.redisUrl;
  const nodeOptions = {
    maxRetriesPerRequest: null,
    enableAutoPipelining: false,
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
    ...redisSecurityOptions(config.security, tlsUrl),
  };
  const redis: RedisClient = clustered
    ? new Cluster(config.redisClusterNodes.map(seedNode), {
        lazyConnect: true,
        redisOptions: nodeOptions,
        // Reads go to primaries: a replica may not yet hold what was just committed.
        scaleReads: 'master',
        clusterRetryStrategy: (times: number) => Math.min(times * 200, 2000),
        // A failover takes the cluster's node timeout to elect a replica: commands wait and retry meanwhile.
        retryDelayOnClusterDown: 300,
        retryDelayOnFailover: 300,
        retryDelayOnTryAgain: 100,
        maxRedirections: 64,
        slotsRefreshTimeout: 2000,
      })
    : new Redis(config.redisUrl, { lazyConnect: true, ...nodeOptions });
  const where = clustered ? config.redisClusterNodes.join(',') : new URL(config.redisUrl).host;
  // One line when Redis goes away and one when it is back, instead of a stack trace per retry.
  let down = false;
  let lastError: string | null = null;
  redis.on('error', (error: Error) => {
    // A TLS alert says more than the connection reset that may follow it on a retry: it is kept.
    if (!(lastError?.includes('SSL alert') && error.message.includes('ECONNRESET'))) lastError = error.message;
    if (down) return;
    down = true;
    logger?.warn({ redis: where, reason: error.message }, 'Redis connection lost; commands wait until it is back');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger?.info({ redis: where }, 'Redis connection back');
  });
  // Redis may close a TLS connection whose client certificate it wants or refuses without an alert
  // the client sees (ECONNRESET); otherwise the alert says which.
  const certificateHint = (reason: string) => {
    const presented = config.security.redisClientCert !== null;
    if (redisUsesTls(tlsUrl) && /ECONNRESET/.test(reason)) {
      return presented
        ? '; a Redis with tls-auth-clients closes connections so when it refuses the client certificate: is REDIS_TLS_CERT_FILE signed by a CA it trusts?'
        : '; a Redis with tls-auth-clients closes connections without a client certificate so: if it wants one, set REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE';
    }
    return clientCertificateHint(reason, presented, ['REDIS_TLS_CERT_FILE', 'REDIS_TLS_KEY_FILE']);
  };
  // What went wrong, for the one line a failed start prints: the last error Redis or the TLS layer gave.
  const failure = (error?: unknown) => {
    const reason = (lastError ?? (error instanceof Error ? error.message : null))?.trim() ?? null;
    if (reason !== null && /WRONGPASS|NOAUTH|invalid password/i.test(reason)) {
      return new AppError(
        ErrorCode.REDIS_AUTH_FAILED,
        `Redis at ${where} refused the password (REDIS_PASSWORD, or the URL's): ${reason}`,
        { cause: error },
      );
    }
    return new AppError(
      ErrorCode.REDIS_UNREACHABLE,
      `cannot reach Redis at ${where}${reason ? ` (${reason}${certificateHint(reason)})` : ''}`,
      { retriable: true, cause: error },
    );
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
