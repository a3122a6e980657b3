import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../shared/redis/client.ts';
import { createLogger } from '../../shared/logging/logger.ts';
import { createKafka } from '../../shared/kafka/client.ts';
import { connectAdmin } from '../../shared/kafka/connect.ts';
import { ensureTopics } from '../../shared/kafka/provision.ts';
import { topicNames } from '../../shared/kafka/topics.ts';
import { AvroCodec } from '../../shared/registry/codec.ts';
import { registerAllSchemas, valueSubject } from '../../shared/registry/schemas.ts';
import { isolatedConfig } from '../support/isolated.ts';

const config = isolatedConfig('roundtrip');
const logger = createLogger({ name: 'test', level: 'warn' });
const kafka = createKafka(config, logger);
const topics = topicNames(config);
const codec = new AvroCodec(config.schemaRegistryUrl);

describe('the real stack: registry, Kafka and Redis over real connections', () => {
  beforeAll(async () => {
    const admin = await connectAdmin(kafka, config);
    await ensureTopics(admin, config);
    await admin.disconnect();
    await registerAllSchemas(codec, topics.physical);
  });

  it('an Avro claim goes through the registry to Kafka, is consumed, decoded and stored in Redis', async () => {
    const claim = {
      claimId: 'RT-1',
      claimControlNumber: 'N1',
      adjustmentType: 'ORIGINAL',
      mbi: '1ZZ0ZZ0ZZ01',
      claimType: 'PROFESSIONAL',
      fromDate: '2026-02-01',
      thruDate: '2026-02-01',
      admissionDate: null,
      dischargeDate: null,
      drg: null,
      principalDiagnosis: null,
      facilityId: null,
      billingProviderNpi: '1234567893',
      paidAmountCents: 15000,
      imeAmountCents: null,
      dshAmountCents: null,
      nonPaymentReasonCode: null,
      effectiveDate: null,
    };
    const topic = topics.input('claims');
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: [{ key: claim.mbi, value: codec.encode(valueSubject(topic), claim) }],
    });
    await producer.disconnect();

    // A fresh codec, as a consumer in another process would have: it learns the schema by id.
    const reader = new AvroCodec(config.schemaRegistryUrl);
    const consumer = kafka.consumer({ groupId: `${config.topicPrefix}roundtrip`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const decoded = await new Promise<Record<string, unknown>>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          await reader.prepare(batch.messages.map((m) => m.value));
          resolve(reader.decode(batch.messages[0]!.value) as Record<string, unknown>);
        },
      });
    });
    await consumer.disconnect();
    expect(decoded).toMatchObject({ claimId: 'RT-1', paidAmountCents: 15000, adjustmentType: 'ORIGINAL' });

    const redis = await connectRedis(config);
    const key = `${config.redisPrefix}:roundtrip:${decoded.claimId as string}`;
    await redis.set(key, JSON.stringify(decoded));
    expect(JSON.parse((await redis.get(key))!)).toEqual(decoded);
    await redis.del(key);
    await redis.quit();
  });

  it('the registry accepts a backward-compatible change and refuses an incompatible one', async () => {
    const subject = valueSubject(topics.input('attribution'));
    const schema = JSON.parse(readFileSync(new URL('../../schemas/attribution.avsc', import.meta.url), 'utf8'));
    const compatible = {
      ...schema,
      fields: [...schema.fields, { name: 'source', type: ['null', 'string'], default: null }],
    };
    const id = await codec.register(subject, JSON.stringify(compatible));
    expect(id).toBeGreaterThan(0);
    const incompatible = { ...schema, fields: [...schema.fields, { name: 'mandatory', type: 'string' }] };
    await expect(codec.register(subject, JSON.stringify(incompatible))).rejects.toThrow(/incompatible|409|compatib/i);
  });
});

afterAll(() => undefined);
