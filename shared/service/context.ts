import type { Admin, Kafka, Producer } from 'kafkajs';
import { loadConfig, type Config } from '../config/config.ts';
import { registryClientOptions } from '../config/security.ts';
import { createLogger, type Logger } from '../logging/logger.ts';
import { beneficiaryPartitioner, createKafka } from '../kafka/client.ts';
import { connectAdmin, withTimeout } from '../kafka/connect.ts';
import { ensureTopics } from '../kafka/provision.ts';
import { topicNames, type TopicNames } from '../kafka/topics.ts';
import { AvroCodec } from '../registry/codec.ts';
import { registerAllSchemas } from '../registry/schemas.ts';
import { connectRedis, type RedisClient } from '../redis/client.ts';
import { checkLayout } from '../engine/layout-check.ts';
import type { RedisKeys } from '../engine/layout.ts';
import { redisStores } from '../engine/redis-stores.ts';
import type { Stores } from '../engine/stores.ts';

const CLOSE_BUDGET_MS = 2000;

/** What a service's work on records needs: its settings, a logger and the storage (no broker). */
export interface ServiceContext {
  config: Config;
  logger: Logger;
  stores: Stores;
}

/** Everything a service or CLI command needs, connected and provisioned, with one close(). */
export interface Context extends ServiceContext {
  kafka: Kafka;
  admin: Admin;
  producer: Producer;
  redis: RedisClient;
  codec: AvroCodec;
  topics: TopicNames;
  /** The Redis keys, for the tests and the bench that inspect Redis itself. */
  keys: RedisKeys;
  close(): Promise<void>;
}

/**
 * Connects to Kafka (failing within the start-up budget with one line naming the broker), Redis and
 * the registry; makes sure topics and schemas exist (idempotent).
 */
export async function openContext(
  name: string,
  config: Config = loadConfig(),
  options: { checkLayout?: boolean } = {},
): Promise<Context> {
  const logger = createLogger({ name, level: config.logLevel });
  const kafka = createKafka(config, logger, `${config.kafkaClientId}-${name}`);
  const admin = await connectAdmin(kafka, config);
  const closers: (() => Promise<unknown>)[] = [() => admin.disconnect()];
  try {
    await ensureTopics(admin, config);
    const topics = topicNames(config);
    const codec = new AvroCodec(config.schemaRegistryUrl, registryClientOptions(config.security));
    await registerAllSchemas(codec, topics.physical);
    const redis = await connectRedis(config, logger);
    closers.push(async () => redis.quit());
    const stores = redisStores(redis, config.redisPrefix, config.partitions);
    // Not for the commands that remove or migrate the state whatever its layout (reset, migrate-state).
    if (options.checkLayout !== false) await checkLayout(redis, stores.keys, config.redisPrefix);
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 5,
      createPartitioner: beneficiaryPartitioner,
    });
    await producer.connect();
    closers.push(() => producer.disconnect());
    return {
      config,
      logger,
      kafka,
      admin,
      producer,
      redis,
      codec,
      topics,
      ...storesOf(stores),
      close: async () => {
        // Bounded: after a broker restart a client's disconnect can wait on requests that will
        // never be answered; the process must still stop within its shutdown budget.
        for (const close of closers.reverse())
          await withTimeout(close(), CLOSE_BUDGET_MS, () => new Error('close timed out')).catch(() => undefined);
      },
    };
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw error;
  }
}

function storesOf(all: ReturnType<typeof redisStores>): { stores: Stores; keys: RedisKeys } {
  const { keys, ...stores } = all;
  return { stores, keys };
}
