import { readFileSync } from 'node:fs';
import { Agent as HttpsAgent } from 'node:https';
import type { SASLOptions } from 'kafkajs';

/**
 * Secure connections, all by configuration: Kafka TLS and SASL (PLAIN, SCRAM), schema-registry
 * TLS and basic auth, Redis AUTH and TLS. Secrets are held here and nowhere else; `describeSecurity` is
 * what may be logged.
 */
export interface SecurityConfig {
  kafkaSsl: boolean;
  kafkaSslCaFile: string | null;
  kafkaSslRejectUnauthorized: boolean;
  kafkaSasl: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string } | null;
  registryAuth: { username: string; password: string } | null;
  registryCaFile: string | null;
  redisPassword: string | null;
  redisTlsCaFile: string | null;
}

type Env = Record<string, string | undefined>;
const MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

export function loadSecurity(env: Env, problems: string[]): SecurityConfig {
  const get = (name: string) => (env[name] ?? '').trim() || null;
  const bool = (name: string, fallback: boolean) => {
    const v = get(name);
    if (v === null) return fallback;
    if (!['true', 'false'].includes(v)) problems.push(`${name}=${v} must be true or false`);
    return v === 'true';
  };
  const file = (name: string) => {
    const v = get(name);
    if (v !== null) {
      try {
        readFileSync(v);
      } catch {
        problems.push(`${name}=${v} is not a readable file`);
      }
    }
    return v;
  };

  let kafkaSasl: SecurityConfig['kafkaSasl'] = null;
  const mechanism = get('KAFKA_SASL_MECHANISM');
  if (mechanism !== null) {
    const m = mechanism.toLowerCase();
    if (!(MECHANISMS as readonly string[]).includes(m)) problems.push(`KAFKA_SASL_MECHANISM=${mechanism} must be one of ${MECHANISMS.join(', ')}`);
    const username = get('KAFKA_SASL_USERNAME');
    const password = get('KAFKA_SASL_PASSWORD');
    if (username === null || password === null) problems.push('KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD');
    kafkaSasl = { mechanism: m as (typeof MECHANISMS)[number], username: username ?? '', password: password ?? '' };
  }

  let registryAuth: SecurityConfig['registryAuth'] = null;
  const [ru, rp] = [get('SCHEMA_REGISTRY_USERNAME'), get('SCHEMA_REGISTRY_PASSWORD')];
  if ((ru === null) !== (rp === null)) problems.push('SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD go together');
  else if (ru !== null && rp !== null) registryAuth = { username: ru, password: rp };

  return {
    kafkaSsl: bool('KAFKA_SSL', false) || get('KAFKA_SSL_CA_FILE') !== null,
    kafkaSslCaFile: file('KAFKA_SSL_CA_FILE'),
    kafkaSslRejectUnauthorized: bool('KAFKA_SSL_REJECT_UNAUTHORIZED', true),
    kafkaSasl,
    registryAuth,
    registryCaFile: file('SCHEMA_REGISTRY_CA_FILE'),
    redisPassword: get('REDIS_PASSWORD'),
    redisTlsCaFile: file('REDIS_TLS_CA_FILE'),
  };
}

/** kafkajs connection options for TLS and SASL. */
export function kafkaSecurityOptions(s: SecurityConfig) {
  const ssl = s.kafkaSsl
    ? { rejectUnauthorized: s.kafkaSslRejectUnauthorized, ...(s.kafkaSslCaFile ? { ca: [readFileSync(s.kafkaSslCaFile, 'utf8')] } : {}) }
    : undefined;
  const sasl = s.kafkaSasl ? ({ ...s.kafkaSasl } as SASLOptions) : undefined;
  return { ...(ssl ? { ssl } : {}), ...(sasl ? { sasl } : {}) };
}

/** Schema-registry client options: basic auth, and for an `https://` URL signed by a private CA, an agent that trusts it. */
export function registryClientOptions(s: SecurityConfig): { auth?: { username: string; password: string }; agent?: HttpsAgent } {
  return {
    ...(s.registryAuth ? { auth: s.registryAuth } : {}),
    ...(s.registryCaFile ? { agent: new HttpsAgent({ ca: [readFileSync(s.registryCaFile, 'utf8')] }) } : {}),
  };
}

/** ioredis options for AUTH and TLS (a `rediss://` URL turns TLS on; a CA file pins the authority). */
export function redisSecurityOptions(s: SecurityConfig, redisUrl: string) {
  const tls = redisUrl.startsWith('rediss:') ? (s.redisTlsCaFile ? { ca: [readFileSync(s.redisTlsCaFile, 'utf8')] } : {}) : undefined;
  return { ...(s.redisPassword ? { password: s.redisPassword } : {}), ...(tls ? { tls } : {}) };
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
    kafkaSasl: s.kafkaSasl ? `${s.kafkaSasl.mechanism} as ${s.kafkaSasl.username}` : 'off',
    registryAuth: s.registryAuth ? `basic as ${s.registryAuth.username}` : 'off',
    redisAuth: s.redisPassword !== null,
  };
}
