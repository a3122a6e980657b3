import kafkajs, { type Admin } from 'kafkajs';
import type { Config } from '../config/config.ts';
import { AppError, ErrorCode, oneLine } from '../errors/app-error.ts';
import { topicSpecs } from './topics.ts';

/** The least time new topics are given to be served by their leaders. */
const SERVED_WITHIN_MS = 30_000;

// kafkajs is CommonJS and this enum is not among the names Node's ESM loader can see.
const { ConfigResourceTypes } = kafkajs;

/**
 * Creates every topic the product needs that does not exist yet, and brings the settings of existing
 * ones to what the product expects (an upgrade may change them). Idempotent.
 */
export async function ensureTopics(
  admin: Admin,
  config: Pick<Config, 'topicPrefix' | 'partitions' | 'connectTimeoutMs'>,
): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const specs = topicSpecs(config);
  const missing = specs.filter((s) => !existing.has(s.topic));
  if (missing.length > 0) {
    // Not kafkajs's waitForLeaders: on a cold KRaft broker its metadata check can fail with "does
    // not host this topic-partition" instead of retrying; waitUntilServed retries whatever it meets.
    await admin.createTopics({ topics: missing, waitForLeaders: false });
  }
  // Every topic, not only the ones created here: another process may have created one a moment ago.
  // The start-up budget an operator set for a slow cluster (VBC_CONNECT_TIMEOUT_MS) holds here too;
  // never less than 30 s, what a cold KRaft broker on a busy host has been seen to need.
  await waitUntilServed(
    admin,
    specs.map((s) => s.topic),
    Math.max(SERVED_WITHIN_MS, config.connectTimeoutMs),
  );
  const present = specs.filter((s) => existing.has(s.topic) && s.configEntries.length > 0);
  if (present.length > 0) {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: present.map((s) => ({
        type: ConfigResourceTypes.TOPIC,
        name: s.topic,
        configNames: s.configEntries.map((e) => e.name),
      })),
    });
    const stale = present.filter((s) => {
      const current = described.resources.find((r) => r.resourceName === s.topic)?.configEntries ?? [];
      return s.configEntries.some((e) => current.find((c) => c.configName === e.name)?.configValue !== e.value);
    });
    if (stale.length > 0) {
      await admin.alterConfigs({
        validateOnly: false,
        resources: stale.map((s) => ({
          type: ConfigResourceTypes.TOPIC,
          name: s.topic,
          configEntries: s.configEntries,
        })),
      });
    }
  }
  return missing.map((s) => s.topic);
}

/**
 * A new topic's leaders can still answer "does not host this topic-partition" for a moment after
 * creation; a consumer subscribing then fails. Wait until every partition answers an offset query.
 */
async function waitUntilServed(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const topic of topics) {
    for (;;) {
      try {
        await admin.fetchTopicOffsets(topic);
        break;
      } catch (error) {
        if (Date.now() > deadline)
          throw new AppError(
            ErrorCode.KAFKA_UNREACHABLE,
            `the broker did not serve every partition of ${topic} within ${timeoutMs / 1000}s (${oneLine(error)}): is it still starting, or short of CPU?`,
            { retriable: true, cause: error },
          );
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
}
