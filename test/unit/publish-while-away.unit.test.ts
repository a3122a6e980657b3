import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, type Producer } from 'kafkajs';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { sendWhileAway } from '../../services/cli/publish-in-order.ts';

/** A producer whose first sends fail as kafkajs fails them when the broker stays away past its retries. */
function producerFailing(times: number, error: () => Error) {
  const sent: number[] = [];
  let failures = 0;
  const producer = {
    sendBatch: async ({ topicMessages }: Parameters<Producer['sendBatch']>[0]) => {
      if (failures < times) {
        failures += 1;
        throw error();
      }
      sent.push(topicMessages!.reduce((n, t) => n + t.messages.length, 0));
      return [];
    },
  } as unknown as Producer;
  return { producer, sent, attempts: () => failures + sent.length };
}

const logger = pino({ level: 'silent' });
const slice = [
  { topic: 'claims', key: 'A', value: Buffer.from('1') },
  { topic: 'claims', key: 'B', value: Buffer.from('2') },
];
const brokerAway = () =>
  new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'), {
    retryCount: 8,
    retryTime: 5000,
  });

describe('vbc replay and import while the broker is away', () => {
  it('send a slice again until the broker takes it', async () => {
    const { producer, sent, attempts } = producerFailing(2, brokerAway);
    await sendWhileAway({ producer, logger } as never, slice);
    expect(sent).toEqual([2]);
    expect(attempts()).toBe(3);
  }, 10_000);

  it('give up at once on an error no wait mends', async () => {
    const { producer, attempts } = producerFailing(1, () => new TypeError('a bug'));
    await expect(sendWhileAway({ producer, logger } as never, slice)).rejects.toThrow('a bug');
    expect(attempts()).toBe(1);
  });
});
