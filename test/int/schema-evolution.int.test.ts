import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { INPUT_TOPICS, OUTPUT_TOPICS } from '../../shared/kafka/topics.ts';
import { AvroCodec } from '../../shared/registry/codec.ts';
import { schemaText } from '../../shared/registry/schemas.ts';
import { isolatedConfig } from '../support/isolated.ts';

const V1 = fileURLToPath(new URL('../fixtures/schemas-v1/', import.meta.url));
const config = isolatedConfig('schemas');

describe('Avro schemas of contract v2 evolve backward compatibly (an installation upgrades in place)', () => {
  it.each([...INPUT_TOPICS, ...OUTPUT_TOPICS])(
    '%s: the registry takes the v2 schema over the v1 one, and v2 reads a v1 record',
    async (topic) => {
      const codec = new AvroCodec(config.schemaRegistryUrl);
      const subject = `${config.topicPrefix}${topic}-value`;
      const v1Text = readFileSync(`${V1}${topic}.avsc`, 'utf8');
      const v1 = await codec.register(subject, v1Text);
      // Registered with BACKWARD compatibility: the registry refuses a schema that cannot read v1 data.
      const v2 = await codec.register(subject, schemaText(topic));
      expect(v2).not.toBeNaN();
      if (schemaText(topic).trim() !== v1Text.trim()) expect(v2).not.toBe(v1);
    },
  );

  it('the check has teeth: a schema that could not read v1 data is refused', async () => {
    const codec = new AvroCodec(config.schemaRegistryUrl);
    const subject = `${config.topicPrefix}claims-incompatible-value`;
    await codec.register(subject, readFileSync(`${V1}claims.avsc`, 'utf8'));
    const broken = JSON.parse(schemaText('claims')) as { fields: { name: string; type: unknown }[] };
    broken.fields.push({ name: 'requiredWithoutDefault', type: 'string' });
    await expect(codec.register(subject, JSON.stringify(broken))).rejects.toThrow();
  });

  it('a v1 admission (no cancelled field, required dates) decodes with v2 as a record in force', async () => {
    const codec = new AvroCodec(config.schemaRegistryUrl);
    const subject = `${config.topicPrefix}admissions-compat-value`;
    await codec.register(subject, readFileSync(`${V1}admissions.avsc`, 'utf8'));
    const bytes = codec.encode(subject, {
      encounterId: 'E1',
      mbi: 'M',
      facilityId: 'F1',
      admitDate: '2026-03-01',
      encounterClass: 'INPATIENT',
      admitType: 'URGENT',
      plannedProcedure: null,
      principalDiagnosis: null,
      eventTime: null,
    });
    await codec.register(subject, schemaText('admissions'));
    const decoded = codec.decode(bytes) as Record<string, unknown>;
    expect(decoded).toMatchObject({ encounterId: 'E1', admitDate: '2026-03-01', encounterClass: 'INPATIENT' });
  });
});
