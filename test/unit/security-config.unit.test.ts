import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/config.ts';
import {
  clientCertificateHint,
  describeSecurity,
  kafkaSecurityOptions,
  maskUrl,
  redisSecurityOptions,
  registryClientOptions,
} from '../../shared/config/security.ts';
import { createLogger } from '../../shared/logging/logger.ts';

const dir = mkdtempSync(join(tmpdir(), 'vbc-ca-'));
const ca = join(dir, 'ca.pem');
writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
const cert = join(dir, 'client.crt');
writeFileSync(cert, '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n');
const key = join(dir, 'client.key');
writeFileSync(key, '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n');

describe('secure connections by configuration', () => {
  it('is off by default: no TLS, no SASL, no registry auth, no Redis password', () => {
    const s = loadConfig({}).security;
    expect(kafkaSecurityOptions(s)).toEqual({});
    expect(redisSecurityOptions(s, 'redis://127.0.0.1:6379')).toEqual({});
    expect(s.registryAuth).toBeNull();
  });

  it('Kafka SASL/SCRAM over TLS with a pinned CA', () => {
    const s = loadConfig({
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: 's3cret',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: ca,
    }).security;
    expect(kafkaSecurityOptions(s)).toEqual({
      ssl: { rejectUnauthorized: true, ca: [expect.stringContaining('BEGIN CERTIFICATE')] },
      sasl: { mechanism: 'scram-sha-512', username: 'svc', password: 's3cret' },
    });
  });

  it('registry basic auth and Redis AUTH with TLS', () => {
    const c = loadConfig({
      SCHEMA_REGISTRY_USERNAME: 'reg',
      SCHEMA_REGISTRY_PASSWORD: 'p',
      REDIS_URL: 'rediss://redis.internal:6380',
      REDIS_PASSWORD: 'rp',
      REDIS_TLS_CA_FILE: ca,
    });
    expect(c.security.registryAuth).toEqual({ username: 'reg', password: 'p' });
    expect(registryClientOptions(c.security)).toEqual({ auth: { username: 'reg', password: 'p' } });
    const pinned = registryClientOptions(
      loadConfig({ SCHEMA_REGISTRY_URL: 'https://registry.internal', SCHEMA_REGISTRY_CA_FILE: ca }).security,
    );
    expect(pinned.agent?.options.ca).toEqual([expect.stringContaining('BEGIN CERTIFICATE')]);
    expect(redisSecurityOptions(c.security, c.redisUrl)).toEqual({
      password: 'rp',
      tls: { ca: [expect.stringContaining('BEGIN CERTIFICATE')] },
    });
  });

  it('mutual TLS: each client presents its certificate and key, and a Kafka certificate turns TLS on', () => {
    const c = loadConfig({
      KAFKA_SSL_CERT_FILE: cert,
      KAFKA_SSL_KEY_FILE: key,
      KAFKA_SSL_CA_FILE: ca,
      SCHEMA_REGISTRY_URL: 'https://registry.internal',
      SCHEMA_REGISTRY_CERT_FILE: cert,
      SCHEMA_REGISTRY_KEY_FILE: key,
      REDIS_URL: 'rediss://redis.internal:6380',
      REDIS_TLS_CERT_FILE: cert,
      REDIS_TLS_KEY_FILE: key,
    });
    const presented = { cert: expect.stringContaining('MIIC'), key: expect.stringContaining('MIIE') };
    expect(kafkaSecurityOptions(c.security)).toEqual({
      ssl: { rejectUnauthorized: true, ca: [expect.stringContaining('MIIB')], ...presented },
    });
    expect(registryClientOptions(c.security).agent?.options).toMatchObject(presented);
    expect(redisSecurityOptions(c.security, c.redisUrl)).toEqual({ tls: presented });
    expect(describeSecurity(c.security)).toMatchObject({
      kafkaClientCertificate: true,
      registryClientCertificate: true,
      redisClientCertificate: true,
    });
    // Only the certificate: no CA pinned, TLS still on.
    expect(kafkaSecurityOptions(loadConfig({ KAFKA_SSL_CERT_FILE: cert, KAFKA_SSL_KEY_FILE: key }).security)).toEqual({
      ssl: { rejectUnauthorized: true, ...presented },
    });
  });

  it('refuses a client certificate without its key, or a Redis one without a rediss:// URL', () => {
    expect(() =>
      loadConfig({
        KAFKA_SSL_CERT_FILE: cert,
        SCHEMA_REGISTRY_KEY_FILE: key,
        REDIS_TLS_CERT_FILE: cert,
        REDIS_TLS_KEY_FILE: key,
      }),
    ).toThrow(
      /KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together.*SCHEMA_REGISTRY_CERT_FILE and SCHEMA_REGISTRY_KEY_FILE go together/,
    );
    expect(() => loadConfig({ REDIS_TLS_CERT_FILE: cert, REDIS_TLS_KEY_FILE: key })).toThrow(
      /REDIS_TLS_CERT_FILE needs a rediss:\/\/ REDIS_URL/,
    );
    expect(() => loadConfig({ KAFKA_SSL_CERT_FILE: '/no/client.crt', KAFKA_SSL_KEY_FILE: key })).toThrow(
      /KAFKA_SSL_CERT_FILE=\/no\/client.crt is not a readable file/,
    );
  });

  it("names the client-certificate settings when the server's TLS alert is about the client's certificate, and only then", () => {
    const names: [string, string] = ['KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'];
    const required =
      'error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:rec_layer_s3.c:1601:SSL alert number 116';
    const unknownCa =
      'error:0A000418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca:rec_layer_s3.c:1601:SSL alert number 48';
    expect(clientCertificateHint(required, false, names)).toBe(
      '; the server wants a client certificate: set KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE',
    );
    expect(clientCertificateHint(unknownCa, true, names)).toContain(
      'the server refused the client certificate in KAFKA_SSL_CERT_FILE',
    );
    expect(clientCertificateHint('unable to verify the first certificate', false, names)).toBe('');
    expect(clientCertificateHint('connect ECONNREFUSED 127.0.0.1:9092', true, names)).toBe('');
  });

  it('rejects incomplete or unknown security settings, each in the one start-up line', () => {
    expect(() => loadConfig({ SCHEMA_REGISTRY_CA_FILE: '/no/ca.pem' })).toThrow(
      /SCHEMA_REGISTRY_CA_FILE=\/no\/ca.pem is not a readable file/,
    );
    expect(() =>
      loadConfig({
        KAFKA_SASL_MECHANISM: 'kerberos',
        SCHEMA_REGISTRY_USERNAME: 'reg',
        KAFKA_SSL: 'yes',
        KAFKA_SSL_CA_FILE: '/no/ca.pem',
      }),
    ).toThrow(
      /KAFKA_SASL_MECHANISM=kerberos must be one of.*KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD.*SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD go together/,
    );
  });

  it('never shows a secret: not in a start-up error, not in what is logged', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://user:hunter2@redis:6379' })).toThrow(
      /REDIS_URL=http:\/\/user:\*\*\*@redis:6379/,
    );
    expect(() => loadConfig({ REDIS_URL: 'http://user:hunter2@redis:6379' })).not.toThrow(/hunter2/);
    const c = loadConfig({
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: 'hunter2',
      SCHEMA_REGISTRY_USERNAME: 'reg',
      SCHEMA_REGISTRY_PASSWORD: 'hunter2',
      REDIS_URL: 'redis://:hunter2@redis:6379',
    });
    const lines: string[] = [];
    const log = createLogger({
      name: 'test',
      destination: new Writable({
        write(chunk, _e, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    log.info({ security: describeSecurity(c.security), redis: maskUrl(c.redisUrl) }, 'running');
    expect(lines.join('')).toContain('plain as svc');
    expect(lines.join('')).not.toContain('hunter2');
  });
});
