import type { ProducerBatch } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { BatchSender } from '../../shared/kafka/batch-sender.ts';

describe('batch sender (vbc dlq replay)', () => {
  it('sends every record once, in batches of at most the batch size, each topic in the order added', async () => {
    const requests: ProducerBatch[] = [];
    const sender = new BatchSender(
      {
        sendBatch: async (b: ProducerBatch) => {
          requests.push(b);
          return [];
        },
      },
      3,
    );
    for (let i = 0; i < 8; i++)
      await sender.add(i % 3 === 0 ? 'claims' : 'attribution', { key: `k${i}`, value: `v${i}` });
    expect(await sender.flush()).toBe(8);
    expect(await sender.flush()).toBe(8); // nothing pending: no empty request
    expect(requests.map((r) => r.topicMessages!.reduce((n, t) => n + t.messages.length, 0))).toEqual([3, 3, 2]);
    expect(requests.every((r) => r.acks === -1)).toBe(true);
    const sent = (topic: string) =>
      requests.flatMap((r) =>
        r.topicMessages!.filter((t) => t.topic === topic).flatMap((t) => t.messages.map((m) => m.value)),
      );
    expect(sent('claims')).toEqual(['v0', 'v3', 'v6']);
    expect(sent('attribution')).toEqual(['v1', 'v2', 'v4', 'v5', 'v7']);
  });

  it('a failed send fails the caller (the replay stops before remembering how far it got)', async () => {
    const sender = new BatchSender(
      {
        sendBatch: async () => {
          throw new Error('broker gone');
        },
      },
      2,
    );
    await sender.add('claims', { value: 'a' });
    await expect(sender.add('claims', { value: 'b' })).rejects.toThrow('broker gone');
  });
});
