import type { Admin } from 'kafkajs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '../../shared/errors/app-error.ts';
import { ensureTopics } from '../../shared/kafka/provision.ts';

/** An admin whose new topics answer offset queries after `servedAfter` failed queries each (Infinity: never). */
function admin(servedAfter: number) {
  const created: string[] = [];
  const failures = new Map<string, number>();
  const fake = {
    listTopics: async () => [],
    createTopics: async ({ topics }: { topics: { topic: string }[] }) => {
      created.push(...topics.map((t) => t.topic));
      return true;
    },
    fetchTopicOffsets: async (topic: string) => {
      const failed = failures.get(topic) ?? 0;
      if (failed < servedAfter) {
        failures.set(topic, failed + 1);
        throw new Error('This server does not host this topic-partition');
      }
      return [];
    },
  };
  return { admin: fake as unknown as Admin, created };
}

const config = { topicPrefix: 't.', partitions: 2 };

/**
 * ensureTopics against a broker that never serves the new topics, with the start-up budget given:
 * `before` is its outcome after `elapsedMs` of (fake) time, `now` its outcome whenever read.
 */
async function neverServed(connectTimeoutMs: number, elapsedMs: number) {
  const { admin: a } = admin(Number.POSITIVE_INFINITY);
  const outcome: { before: unknown; now: unknown } = { before: 'pending', now: 'pending' };
  ensureTopics(a, { ...config, connectTimeoutMs }).catch((error: unknown) => {
    outcome.now = error;
  });
  await vi.advanceTimersByTimeAsync(elapsedMs);
  outcome.before = outcome.now;
  return outcome;
}

describe('topics are waited for until their leaders serve them', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('creates the missing topics and returns once every one answers', async () => {
    vi.useFakeTimers();
    const { admin: a, created } = admin(3);
    const done = ensureTopics(a, { ...config, connectTimeoutMs: 20_000 });
    await vi.advanceTimersByTimeAsync(60_000);
    const topics = await done;
    expect(topics).toEqual(created);
    expect(topics).toContain('t.claims');
  });

  it('gives up after the start-up budget the operator set, naming the topic, when it is longer than 30 s', async () => {
    vi.useFakeTimers();
    const outcome = await neverServed(90_000, 60_000);
    expect(outcome.before).toBe('pending');
    await vi.advanceTimersByTimeAsync(31_000);
    expect(outcome.now).toMatchObject({ code: ErrorCode.KAFKA_UNREACHABLE, retriable: true });
    expect(String((outcome.now as Error).message)).toMatch(/t\.claims within 90s/);
  });

  it('gives a cold broker at least 30 s whatever the start-up budget', async () => {
    vi.useFakeTimers();
    const outcome = await neverServed(5_000, 25_000);
    expect(outcome.before).toBe('pending');
    await vi.advanceTimersByTimeAsync(6_000);
    expect(outcome.now).toMatchObject({ code: ErrorCode.KAFKA_UNREACHABLE });
    expect(String((outcome.now as Error).message)).toMatch(/within 30s/);
  });
});
