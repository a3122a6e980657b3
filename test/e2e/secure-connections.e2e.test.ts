import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, runScenario } from '../support/contract.ts';
import { isolatedEnv } from '../support/isolated.ts';
import { ownStack } from '../support/own-stack.ts';
import { runVbc, startAllServices } from '../support/vbc-cli.ts';

/**
 * Production clusters take TLS and SASL or mutual TLS, registries HTTPS and basic auth, managed
 * Redis TLS and a password, and some sites want client certificates everywhere: this file starts a
 * local stack of its own that does (infra/stack.sh with VBC_STACK_SECURE=1: Kafka's client listener
 * is SASL_SSL with SCRAM-SHA-512, SCRAM-SHA-256 and PLAIN, a second one SSL with a required client
 * certificate; the registry serves HTTPS to one user and Redis listens on TLS only with a password,
 * both wanting a client certificate) and drives the product through the CLI with the settings an
 * operator would give it.
 */
const work = mkdtempSync(join(tmpdir(), 'vbc-secure-'));
const instance = `secure-${process.pid}`;
const base = 22_000 + (process.pid % 50) * 10;
const stackEnv = {
  VBC_STACK_INSTANCE: instance,
  VBC_STACK_SECURE: '1',
  VBC_KAFKA_PORT: String(base),
  VBC_KAFKA_CONTROLLER_PORT: String(base + 1),
  VBC_REGISTRY_PORT: String(base + 2),
  VBC_REDIS_PORT: String(base + 3),
  VBC_KAFKA_INTERNAL_PORT: String(base + 4),
  VBC_KAFKA_MTLS_PORT: String(base + 5),
  VBC_STACK_KAFKA_USER: 'vbc-claims',
  VBC_STACK_KAFKA_PASSWORD: 'k-secret-1',
  VBC_STACK_REDIS_PASSWORD: 'r-secret-1',
  VBC_STACK_REGISTRY_USER: 'vbc-reg',
  VBC_STACK_REGISTRY_PASSWORD: 's-secret-1',
};
const own = ownStack(stackEnv);
const tls = join(own.dir, 'run/tls');
const [ca, cert, key] = [join(tls, 'ca.pem'), join(tls, 'client.crt'), join(tls, 'client.key')];
const secure = {
  KAFKA_BROKERS: `127.0.0.1:${base}`,
  KAFKA_SSL_CA_FILE: ca,
  KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
  KAFKA_SASL_USERNAME: 'vbc-claims',
  KAFKA_SASL_PASSWORD: 'k-secret-1',
  SCHEMA_REGISTRY_URL: `https://127.0.0.1:${base + 2}`,
  SCHEMA_REGISTRY_USERNAME: 'vbc-reg',
  SCHEMA_REGISTRY_PASSWORD: 's-secret-1',
  SCHEMA_REGISTRY_CA_FILE: ca,
  SCHEMA_REGISTRY_CERT_FILE: cert,
  SCHEMA_REGISTRY_KEY_FILE: key,
  REDIS_URL: `rediss://127.0.0.1:${base + 3}`,
  REDIS_PASSWORD: 'r-secret-1',
  REDIS_TLS_CA_FILE: ca,
  REDIS_TLS_CERT_FILE: cert,
  REDIS_TLS_KEY_FILE: key,
  VBC_CONNECT_TIMEOUT_MS: '5000',
};
/** Kafka's mutual-TLS listener: the client certificate instead of SASL. */
const mutualTls = {
  KAFKA_BROKERS: `127.0.0.1:${base + 5}`,
  KAFKA_SASL_MECHANISM: '',
  KAFKA_SSL_CERT_FILE: cert,
  KAFKA_SSL_KEY_FILE: key,
};
// A certificate and key the stack's CA never signed, as a client of another site would bring.
execFileSync(
  'openssl',
  [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    join(work, 'stranger.key'),
    '-out',
    join(work, 'stranger.crt'),
    '-days',
    '30',
    '-subj',
    '/CN=stranger',
  ],
  { stdio: 'ignore' },
);
const [strangerCert, strangerKey] = [join(work, 'stranger.crt'), join(work, 'stranger.key')];

/**
 * A contract example through services started with the secure settings (Redis keys and topics of
 * their own, by `label`) and the CLI with `cli` on top of them; returns what the checker said.
 */
async function exampleThroughServices(label: string, name: string, cli: Record<string, string> = {}): Promise<string> {
  const env = { ...isolatedEnv(label), ...secure };
  const services = await startAllServices(env, join(work, `services-${label}.log`));
  try {
    return runScenario(
      { ...env, ...cli },
      join(EXAMPLES, `${name}.ndjson`),
      join(EXAMPLES, `${name}.expected.json`),
      work,
    );
  } finally {
    await services.stop('SIGTERM');
  }
}

describe('secure connections: Kafka over TLS with SASL or client certificates, the registry over HTTPS with basic auth, Redis over TLS with a password, both with client certificates (a stack of its own)', () => {
  // Long enough to wait for another file's own stack to be done with.
  beforeAll(() => own.up(), 400_000);
  afterAll(() => own.remove());

  it('a contract example runs through the services and gives its expected export', async () => {
    expect(await exampleThroughServices('secure', 'readmissions-and-aco-totals')).toBe('export matches');
  }, 180_000);

  it('the operator CLI over mutual TLS publishes a scenario that the services, over SCRAM, apply', async () => {
    expect(await exampleThroughServices('secure-mtls', 'episode-and-reconciliation', mutualTls)).toBe('export matches');
  }, 180_000);

  it.each([
    ['SASL/SCRAM-SHA-256', { KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256' }],
    ['SASL/PLAIN', { KAFKA_SASL_MECHANISM: 'PLAIN' }],
    ['mutual TLS', mutualTls],
  ])(
    'connects to Kafka with %s',
    (_, override) => {
      const r = runVbc({ ...isolatedEnv('secure-mechanism'), ...secure, ...override }, 'export');
      expect(r.stderr).not.toContain('vbc export:');
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toHaveProperty('acos');
    },
    60_000,
  );

  it.each([
    ['a wrong Kafka password', { KAFKA_SASL_PASSWORD: 'not-it' }, 'KAFKA_AUTH_FAILED', 'refused the SASL credentials'],
    ['a wrong Redis password', { REDIS_PASSWORD: 'not-it' }, 'REDIS_AUTH_FAILED', 'WRONGPASS'],
    ['no Redis password', { REDIS_PASSWORD: '' }, 'REDIS_AUTH_FAILED', 'NOAUTH'],
    [
      'a broker certificate from a CA the client does not trust',
      { KAFKA_SSL_CA_FILE: '', KAFKA_SSL: 'true' },
      'KAFKA_UNREACHABLE',
      'certificate',
    ],
    [
      'a Redis certificate from a CA the client does not trust',
      { REDIS_TLS_CA_FILE: '' },
      'REDIS_UNREACHABLE',
      'certificate',
    ],
    ['a wrong registry password', { SCHEMA_REGISTRY_PASSWORD: 'not-it' }, 'REGISTRY_AUTH_FAILED', '401'],
    [
      'a registry certificate from a CA the client does not trust',
      { SCHEMA_REGISTRY_CA_FILE: '' },
      'REGISTRY_UNREACHABLE',
      'certificate',
    ],
    [
      'a wrong Kafka password over SASL/PLAIN',
      { KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_PASSWORD: 'not-it' },
      'KAFKA_AUTH_FAILED',
      'refused the SASL credentials',
    ],
    [
      'no client certificate for the mutual-TLS Kafka listener',
      { ...mutualTls, KAFKA_SSL_CERT_FILE: '', KAFKA_SSL_KEY_FILE: '' },
      'KAFKA_UNREACHABLE',
      'set KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE',
    ],
    [
      'a Kafka client certificate from a CA the broker does not trust',
      { ...mutualTls, KAFKA_SSL_CERT_FILE: strangerCert, KAFKA_SSL_KEY_FILE: strangerKey },
      'KAFKA_UNREACHABLE',
      'refused the client certificate in KAFKA_SSL_CERT_FILE',
    ],
    [
      'no Redis client certificate',
      { REDIS_TLS_CERT_FILE: '', REDIS_TLS_KEY_FILE: '' },
      'REDIS_UNREACHABLE',
      'REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE',
    ],
    [
      'a Redis client certificate from a CA Redis does not trust',
      { REDIS_TLS_CERT_FILE: strangerCert, REDIS_TLS_KEY_FILE: strangerKey },
      'REDIS_UNREACHABLE',
      'REDIS_TLS_CERT_FILE',
    ],
    [
      'no registry client certificate',
      { SCHEMA_REGISTRY_CERT_FILE: '', SCHEMA_REGISTRY_KEY_FILE: '' },
      'REGISTRY_UNREACHABLE',
      'set SCHEMA_REGISTRY_CERT_FILE and SCHEMA_REGISTRY_KEY_FILE',
    ],
    [
      'a registry client certificate from a CA the registry does not trust',
      { SCHEMA_REGISTRY_CERT_FILE: strangerCert, SCHEMA_REGISTRY_KEY_FILE: strangerKey },
      'REGISTRY_UNREACHABLE',
      'refused the client certificate in SCHEMA_REGISTRY_CERT_FILE',
    ],
  ])(
    '%s: the command fails at start with one line that says so, and no secret in it',
    (_, override, code, reason) => {
      const r = runVbc({ ...isolatedEnv('secure-bad'), ...secure, ...override }, 'export');
      expect(r.status).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines.at(-1)).toContain(`vbc export: ${code}:`);
      expect(lines.at(-1)).toContain(reason);
      for (const secret of ['k-secret-1', 'r-secret-1', 's-secret-1', 'not-it']) expect(r.stderr).not.toContain(secret);
    },
    60_000,
  );
});
