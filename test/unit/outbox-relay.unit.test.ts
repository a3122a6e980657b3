import type { Producer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { OutboxRelay } from '../../shared/engine/outbox-relay.ts';
import type { OutboxStore } from '../../shared/engine/stores.ts';
import { topicNames } from '../../shared/kafka/topics.ts';
import type { AvroCodec } from '../../shared/registry/codec.ts';

/** An outbox of several shards kept in memory, counting the reads of each shard's head. */
function shardedOutbox(shards: number) {
  const lists = Array.from({ length: shards }, () => [] as string[]);
  const reads = Array.from({ length: shards }, () => 0);
  let seq = 0;
  const store: OutboxStore = {
    shards,
    append: async () => undefined,
    head: async (_owner, shard, n) => {
      reads[shard]! += 1;
      return lists[shard]!.slice(0, n);
    },
    ack: async (_owner, shard, first, n) => {
      if (lists[shard]![0] === first) lists[shard]!.splice(0, n);
    },
    pending: async () => lists.reduce((n, l) => n + l.length, 0),
    discard: async () => undefined,
  };
  const add = (shard: number, count: number) => {
    for (let i = 0; i < count; i++) {
      seq += 1;
      const event = { topic: 'alerts', key: `k${shard}`, value: { alertId: `e${shard}-${seq}` } };
      lists[shard]!.push(`${seq}|${JSON.stringify(event)}`);
    }
  };
  return { store, lists, reads, add };
}

/** A producer whose sends wait for `release` while `hold` is set: a slow broker, so calls pile up. */
function recordingProducer() {
  const sent: string[][] = [];
  let gate: Promise<void> | null = null;
  let open: () => void = () => undefined;
  const producer = {
    sendBatch: async ({ topicMessages }: { topicMessages: { messages: { value: Buffer }[] }[] }) => {
      if (gate) await gate;
      sent.push(topicMessages.flatMap((t) => t.messages.map((m) => JSON.parse(m.value.toString()).alertId as string)));
      return [];
    },
  } as unknown as Producer;
  return {
    producer,
    sent,
    hold: () => {
      gate = new Promise<void>((resolve) => {
        open = resolve;
      });
    },
    release: () => {
      gate = null;
      open();
    },
  };
}

const codec = {
  encode: (_subject: string, value: unknown) => Buffer.from(JSON.stringify(value)),
} as unknown as AvroCodec;
const topics = topicNames({ topicPrefix: 't.' });
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A relay over an outbox of `shards` shards, with `first` events in shard 0 and its first drain held at the broker. */
async function relayWithDrainHeld(shards: number, first: number) {
  const outbox = shardedOutbox(shards);
  const kafka = recordingProducer();
  const relay = new OutboxRelay(outbox.store, 'admissions', kafka.producer, codec, topics);
  outbox.add(0, first);
  kafka.hold();
  const held = relay.flush();
  await tick();
  return { outbox, kafka, relay, held };
}

describe('outbox relay', () => {
  it('calls made while a drain waits join it: each event is published once and counted once', async () => {
    const { outbox, kafka, relay, held: first } = await relayWithDrainHeld(3, 2);
    // Batches of three partitions commit while the first drain waits on the broker.
    outbox.add(1, 1);
    outbox.add(2, 3);
    const later = [relay.flush(), relay.flush(), relay.flush()];
    kafka.release();
    const counts = await Promise.all([first, ...later]);

    // One drain for the first call, one shared by the three that came while it ran: each shard's
    // head read twice in all, each read to its end at once.
    expect(outbox.reads).toEqual([2, 2, 2]);
    expect(kafka.sent).toHaveLength(2);
    expect(kafka.sent[0]).toHaveLength(2);
    expect(kafka.sent[1]).toHaveLength(4);
    const all = kafka.sent.flat();
    expect(new Set(all).size).toBe(6);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(6);
    expect(await outbox.store.pending(['admissions'])).toBe(0);
  });

  it('a call made after a drain has read the outbox resolves only once what it committed is published', async () => {
    const { outbox, kafka, relay, held: first } = await relayWithDrainHeld(2, 1);
    outbox.add(1, 1);
    const second = relay.flush();
    kafka.release();
    const counts = [await first, await second];
    // Joining the drain already under way would have resolved before shard 1's event went out.
    expect(kafka.sent.flat()).toEqual([expect.stringMatching(/^e0-/), expect.stringMatching(/^e1-/)]);
    expect(counts[0]! + counts[1]!).toBe(2);
  });

  it('reads again only the shards whose head was a full chunk, until they are empty', async () => {
    const outbox = shardedOutbox(3);
    const kafka = recordingProducer();
    const relay = new OutboxRelay(outbox.store, 'claims', kafka.producer, codec, topics);
    outbox.add(0, 1200);
    outbox.add(1, 3);
    expect(await relay.flush()).toBe(1203);
    // Shard 0 in chunks of 500 (500, 500, 200); shards 1 and 2 once each.
    expect(outbox.reads).toEqual([3, 1, 1]);
    expect(kafka.sent.map((s) => s.length)).toEqual([503, 500, 200]);
    expect(await outbox.store.pending(['claims'])).toBe(0);
    // In each shard the events go out in the order they were appended.
    const shard0 = kafka.sent.flat().filter((id) => id.startsWith('e0-'));
    const seqs = shard0.map((id) => Number(id.split('-')[1]));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(await relay.flush()).toBe(0);
  });
});
