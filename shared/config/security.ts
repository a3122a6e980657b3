import { readFileSync } from 'node:fs';
import { envReader, type Env } from './env-reader.ts';
import { Agent as HttpsAgent } from 'node:https';
import type { SASLOptions } from 'kafkajs';

/**
 * Secure connections, all by configuration: Kafka TLS and SASL (PLAIN, SCRAM), schema-registry
 * TLS and basic auth, Redis AUTH and TLS, and for each a client certificate where the server
 * wants one (mutual TLS). Secrets are held here and nowhere else; `describeSecurity` is what may
 * be logged.
 */
export interface SecurityConfig {
  kafkaSsl: boolean;
  kafkaSslCaFile: string | null;
  kafkaSslRejectUnauthorized: boolean;
  kafkaClientCert: ClientCertificate | null;
  kafkaSasl: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string } | null;
  registryAuth: { username: string; password: string } | null;
  registryCaFile: string | null;
  registryClientCert: ClientCertificate | null;
  redisPassword: string | null;
  redisTlsCaFile: string | null;
  redisClientCert: ClientCertificate | null;
}

/** PEM files of a client certificate and its (unencrypted) private key, for mutual TLS. */
export interface ClientCertificate {
  certFile: string;
  keyFile: string;
}

const MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

export function loadSecurity(env: Env, problems: string[]): SecurityConfig {
  const { get, file } = envReader(env, problems);
  const bool = (name: string, fallback: boolean) => {
    const v = get(name);
    if (v === null) return fallback;
    if (!['true', 'false'].includes(v)) problems.push(`${name}=${v} must be true or false`);
    return v === 'true';
  };
  // A certificate without its key (or the other way round) is a half-made setting: refused at start.
  const clientCert = (certName: string, keyName: string): ClientCertificate | null => {
    const [certFile, keyFile] = [file(certName), file(keyName)];
    if ((certFile === null) !== (keyFile === null)) problems.push(`${certName} and ${keyName} go together`);
    return certFile !== null && keyFile !== null ? { certFile, keyFile } : null;
  };
  const redisClientCert = clientCert('REDIS_TLS_CERT_FILE', 'REDIS_TLS_KEY_FILE');
  if (redisClientCert && !redisUsesTls(env.REDIS_URL ?? ''))
    problems.push('REDIS_TLS_CERT_FILE needs a rediss:// REDIS_URL');
  const kafkaClientCert = clientCert('KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE');

  let kafkaSasl: SecurityConfig['kafkaSasl'] = null;
  const mechanism = get('KAFKA_SASL_MECHANISM');
  if (mechanism !== null) {
    const m = mechanism.toLowerCase();
    if (!(MECHANISMS as readonly string[]).includes(m))
      problems.push(`KAFKA_SASL_MECHANISM=${mechanism} must be one of ${MECHANISMS.join(', ')}`);
    const username = get('KAFKA_SASL_USERNAME');
    const password = get('KAFKA_SASL_PASSWORD');
    if (username === null || password === null)
      problems.push('KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD');
    kafkaSasl = { mechanism: m as (typeof MECHANISMS)[number], username: username ?? '', password: password ?? '' };
  }

  let registryAuth: SecurityConfig['registryAuth'] = null;
  const [ru, rp] = [get('SCHEMA_REGISTRY_USERNAME'), get('SCHEMA_REGISTRY_PASSWORD')];
  if ((ru === null) !== (rp === null))
    problems.push('SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD go together');
  else if (ru !== null && rp !== null) registryAuth = { username: ru, password: rp };

  return {
    kafkaSsl: bool('KAFKA_SSL', false) || get('KAFKA_SSL_CA_FILE') !== null || kafkaClientCert !== null,
    kafkaSslCaFile: file('KAFKA_SSL_CA_FILE'),
    kafkaSslRejectUnauthorized: bool('KAFKA_SSL_REJECT_UNAUTHORIZED', true),
    kafkaClientCert,
    kafkaSasl,
    registryAuth,
    registryCaFile: file('SCHEMA_REGISTRY_CA_FILE'),
    registryClientCert: clientCert('SCHEMA_REGISTRY_CERT_FILE', 'SCHEMA_REGISTRY_KEY_FILE'),
    redisPassword: get('REDIS_PASSWORD'),
    redisTlsCaFile: file('REDIS_TLS_CA_FILE'),
    redisClientCert,
  };
}

/** TLS options trusting `caFile` (when given) and presenting `cert` (when given), for Node's tls. */
function tlsOptions(
  caFile: string | null,
  cert: ClientCertificate | null,
): { ca?: string[]; cert?: string; key?: string } {
  return {
    ...(caFile ? { ca: [readFileSync(caFile, 'utf8')] } : {}),
    ...(cert ? { cert: readFileSync(cert.certFile, 'utf8'), key: readFileSync(cert.keyFile, 'utf8') } : {}),
  };
}

/** kafkajs connection options for TLS (with a client certificate for mutual TLS) and SASL. */
export function kafkaSecurityOptions(s: SecurityConfig) {
  const ssl = s.kafkaSsl
    ? { rejectUnauthorized: s.kafkaSslRejectUnauthorized, ...tlsOptions(s.kafkaSslCaFile, s.kafkaClientCert) }
    : undefined;
  const sasl = s.kafkaSasl ? ({ ...s.kafkaSasl } as SASLOptions) : undefined;
  return { ...(ssl ? { ssl } : {}), ...(sasl ? { sasl } : {}) };
}

/**
 * Schema-registry client options: basic auth, and for an `https://` URL signed by a private CA or
 * wanting a client certificate, an agent that trusts that CA and presents that certificate.
 */
export function registryClientOptions(s: SecurityConfig): {
  auth?: { username: string; password: string };
  agent?: HttpsAgent;
} {
  return {
    ...(s.registryAuth ? { auth: s.registryAuth } : {}),
    ...(s.registryCaFile || s.registryClientCert
      ? { agent: new HttpsAgent(tlsOptions(s.registryCaFile, s.registryClientCert)) }
      : {}),
  };
}

/** Whether a Redis URL asks for TLS (`rediss://`). */
export const redisUsesTls = (redisUrl: string) => redisUrl.trim().startsWith('rediss:');

/**
 * ioredis options for AUTH and TLS (a `rediss://` URL turns TLS on; a CA file pins the authority;
 * a client certificate answers a Redis with `tls-auth-clients`).
 */
export function redisSecurityOptions(s: SecurityConfig, redisUrl: string) {
  const tls = redisUsesTls(redisUrl) ? tlsOptions(s.redisTlsCaFile, s.redisClientCert) : undefined;
  return { ...(s.redisPassword ? { password: s.redisPassword } : {}), ...(tls ? { tls } : {}) };
}

/**
 * What to add to a failed TLS connection's reason when the server's alert is about the client's
 * certificate (OpenSSL alerts 42 bad certificate, 46 certificate unknown, 48 unknown CA, 116
 * certificate required): the
 * settings that give one, or that the one given was refused. '' for any other failure.
 */
export function clientCertificateHint(
  reason: string,
  presented: boolean,
  [certName, keyName]: [string, string],
): string {
  if (
    !/alert (bad certificate|certificate unknown|unknown ca|certificate required)|SSL alert number (42|46|48|116)\b/i.test(
      reason,
    )
  )
    return '';
  return presented
    ? `; the server refused the client certificate in ${certName} (signed by a CA it does not trust, or expired?)`
    : `; the server wants a client certificate: set ${certName} and ${keyName}`;
}

/** A URL with any password replaced, for logs and error messages. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** What may be logged about the security settings: which are on, never a secret. */
export function describeSecurity(s: SecurityConfig): Record<string, string | boolean> {
  return {
    kafkaTls: s.kafkaSsl,
    kafkaClientCertificate: s.kafkaClientCert !== null,
    kafkaSasl: s.kafkaSasl ? `${s.kafkaSasl.mechanism} as ${s.kafkaSasl.username}` : 'off',
    registryAuth: s.registryAuth ? `basic as ${s.registryAuth.username}` : 'off',
    registryClientCertificate: s.registryClientCert !== null,
    redisAuth: s.redisPassword !== null,
    redisClientCertificate: s.redisClientCert !== null,
  };
}
