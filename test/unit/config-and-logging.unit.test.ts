import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/config.ts';
import { createLogger } from '../../shared/logging/logger.ts';

describe('configuration', () => {
  it('uses the local defaults of the contract', () => {
    const c = loadConfig({});
    expect(c.kafkaBrokers).toEqual(['127.0.0.1:9092']);
    expect(c.schemaRegistryUrl).toBe('http://127.0.0.1:8081');
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
  });
  it('reports every bad setting at once, naming each', () => {
    expect(() => loadConfig({ KAFKA_BROKERS: 'nohost', REDIS_URL: 'http://x', VBC_PARTITIONS: 'many' })).toThrow(
      /KAFKA_BROKERS entry 'nohost'.*VBC_PARTITIONS=many.*REDIS_URL=http:\/\/x/,
    );
  });
});

describe('logging', () => {
  it('redacts beneficiary identifiers and names wherever they appear', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = createLogger({ name: 'test', destination: sink });
    log.info(
      { mbi: '1AA0AA0AA01', record: { mbi: '1AA0AA0AA02', firstName: 'Ann' }, batch: { first: { lastName: 'Lee' } } },
      'processed',
    );
    const out = lines.join('');
    expect(out).toContain('processed');
    expect(out).not.toMatch(/1AA0AA0AA0|Ann|Lee/);
    expect(out).toContain('[REDACTED]');
  });
});
