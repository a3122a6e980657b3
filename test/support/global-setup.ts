import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENDPOINTS = ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'REDIS_URL'] as const;

let stopLocalStack = false;
/**
 * Two projects (int, own-stack) name this setup, and vitest runs it once for each: the first run owns
 * the stack and its teardown (the second finds the endpoints set and leaves everything to it).
 */
let owner = false;
let compose: { down(): Promise<unknown> } | undefined;

async function containerRuntimeAnswers(): Promise<boolean> {
  if (process.env.VBC_TEST_STACK === 'local') return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await Promise.race([
      getContainerRuntimeClient(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 10_000)),
    ]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Endpoints for the integration tests, first found wins: the environment (KAFKA_BROKERS,
 * SCHEMA_REGISTRY_URL, REDIS_URL), testcontainers running docker-compose.yml's stack where a container
 * runtime answers, else the local stack without Docker (infra/stack.sh up, stopped afterwards if
 * this run started it).
 */
export async function setup(): Promise<void> {
  if (process.env.VBC_TEST_STACK_OWNED === '1') return;
  process.env.VBC_TEST_STACK_OWNED = '1';
  owner = true;
  if (ENDPOINTS.every((name) => process.env[name])) return;
  if (await containerRuntimeAnswers()) {
    const { DockerComposeEnvironment, Wait } = await import('testcontainers');
    const env = await new DockerComposeEnvironment(ROOT, 'docker-compose.yml')
      .withWaitStrategy('kafka-1', Wait.forListeningPorts())
      .up(['kafka', 'schema-registry', 'redis']);
    compose = env;
    process.env.KAFKA_BROKERS = '127.0.0.1:9092';
    process.env.SCHEMA_REGISTRY_URL = 'http://127.0.0.1:8081';
    process.env.REDIS_URL = 'redis://127.0.0.1:6379';
    return;
  }
  const wasUp = spawnSync('bash', [`${ROOT}infra/stack.sh`, 'status'], { stdio: 'ignore' }).status === 0;
  if (!wasUp) {
    const up = spawnSync('bash', [`${ROOT}infra/stack.sh`, 'up'], { stdio: 'inherit' });
    if (up.status !== 0) throw new Error('the local stack did not come up (see the lines above)');
    stopLocalStack = process.env.VBC_KEEP_STACK !== '1';
  }
}

/**
 * Removes what the tests left on the stack: their topics (prefix `t.`) and Redis keys (`t:`), so a
 * stack kept between runs (VBC_KEEP_STACK, a developer's) does not pile up thousands of partitions
 * until the broker's heap no longer holds them at start.
 */
async function removeTestData(): Promise<void> {
  const { loadConfig } = await import('../../shared/config/config.ts');
  const { createKafka } = await import('../../shared/kafka/client.ts');
  const { connectRedis } = await import('../../shared/redis/client.ts');
  const { unlinkMatching } = await import('../../shared/redis/unlink-matching.ts');
  const { createLogger } = await import('../../shared/logging/logger.ts');
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'error' });
  const admin = createKafka(config, createLogger({ name: 'test-teardown', level: 'error' }), 'test-teardown').admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith('t.'));
    for (let i = 0; i < topics.length; i += 100) await admin.deleteTopics({ topics: topics.slice(i, i + 100) });
  } finally {
    await admin.disconnect();
  }
  const redis = await connectRedis(config);
  try {
    await unlinkMatching(redis, 't:*');
  } finally {
    await redis.quit();
  }
}

export async function teardown(): Promise<void> {
  if (!owner) return;
  await removeTestData().catch((error: unknown) =>
    console.error(`test teardown: could not remove the tests' topics and keys: ${String(error)}`),
  );
  if (compose) await compose.down();
  if (stopLocalStack) spawnSync('bash', [`${ROOT}infra/stack.sh`, 'down'], { stdio: 'inherit' });
}
