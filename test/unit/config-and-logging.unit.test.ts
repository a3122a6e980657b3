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

describe('the ADT gateway settings (VBC_MLLP_*) are checked at start, one line each', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return '';
    } catch (error) {
      return (error as Error).message;
    }
  };

  it('defaults: 127.0.0.1:2575, no TLS, every sender, 1 MiB messages; off turns the gateway off', () => {
    expect(loadConfig({}).mllp).toMatchObject({
      host: '127.0.0.1',
      port: 2575,
      tls: null,
      allowedFacilities: null,
      maxMessageBytes: 1048576,
    });
    expect(loadConfig({ VBC_MLLP_PORT: 'off' }).mllp.port).toBeNull();
    expect(loadConfig({ VBC_MLLP_ALLOWED_FACILITIES: 'GENHOSP, NORTHHOSP' }).mllp.allowedFacilities).toEqual([
      'GENHOSP',
      'NORTHHOSP',
    ]);
  });

  it('names each bad setting', () => {
    expect(problems({ VBC_MLLP_PORT: '70000' })).toMatch(/VBC_MLLP_PORT=70000 must be a whole number from 0 to 65535/);
    expect(problems({ VBC_MLLP_TLS_CERT_FILE: '/etc/hostname' })).toMatch(
      /VBC_MLLP_TLS_CERT_FILE and VBC_MLLP_TLS_KEY_FILE go together/,
    );
    expect(problems({ VBC_MLLP_TLS_CERT_FILE: '/nope.crt', VBC_MLLP_TLS_KEY_FILE: '/nope.key' })).toMatch(
      /VBC_MLLP_TLS_CERT_FILE=\/nope.crt is not a readable file/,
    );
    expect(problems({ VBC_MLLP_TLS_CLIENT_CA_FILE: '/etc/hostname' })).toMatch(/needs VBC_MLLP_TLS_CERT_FILE/);
    expect(problems({ VBC_MLLP_ALLOWED_FACILITIES: ' , ' })).toMatch(/VBC_MLLP_ALLOWED_FACILITIES names no facility/);
    expect(problems({ VBC_MLLP_MAX_MESSAGE_BYTES: '10' })).toMatch(/VBC_MLLP_MAX_MESSAGE_BYTES=10 must be/);
  });
});
