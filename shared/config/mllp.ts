import { readFileSync } from 'node:fs';

type Env = Record<string, string | undefined>;

/** The ADT gateway's listener: where it binds, TLS, which senders it takes and how large a message may be. */
export interface MllpConfig {
  host: string;
  /** 0: any free port (tests); null (VBC_MLLP_PORT=off): `vbc run all` runs no gateway. */
  port: number | null;
  tls: { certFile: string; keyFile: string; clientCaFile: string | null } | null;
  /** MSH-4 (first component) values taken; null: every sender. */
  allowedFacilities: string[] | null;
  maxMessageBytes: number;
  /** How long a (sending facility, control id) is remembered, so a retransmission gets the same answer. */
  ackMemoryDays: number;
}

/** Reads the VBC_MLLP_* settings; every problem is added to `problems` (one line each). */
export function loadMllp(env: Env, problems: string[]): MllpConfig {
  const get = (name: string) => (env[name] ?? '').trim() || null;
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = get(name);
    if (raw === null) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}=${raw} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };
  const file = (name: string) => {
    const v = get(name);
    if (v === null) return null;
    try {
      readFileSync(v);
    } catch {
      problems.push(`${name}=${v} is not a readable file`);
    }
    return v;
  };
  const port = get('VBC_MLLP_PORT') === 'off' ? null : int('VBC_MLLP_PORT', 2575, 0, 65535);
  const certFile = file('VBC_MLLP_TLS_CERT_FILE');
  const keyFile = file('VBC_MLLP_TLS_KEY_FILE');
  const clientCaFile = file('VBC_MLLP_TLS_CLIENT_CA_FILE');
  if ((certFile === null) !== (keyFile === null))
    problems.push('VBC_MLLP_TLS_CERT_FILE and VBC_MLLP_TLS_KEY_FILE go together');
  if (clientCaFile !== null && certFile === null)
    problems.push('VBC_MLLP_TLS_CLIENT_CA_FILE (client certificates) needs VBC_MLLP_TLS_CERT_FILE and KEY_FILE');
  const allowed = get('VBC_MLLP_ALLOWED_FACILITIES');
  const allowedFacilities =
    allowed === null
      ? null
      : allowed
          .split(',')
          .map((f) => f.trim())
          .filter(Boolean);
  if (allowedFacilities?.length === 0) problems.push('VBC_MLLP_ALLOWED_FACILITIES names no facility');
  return {
    host: get('VBC_MLLP_HOST') ?? '127.0.0.1',
    port,
    tls: certFile !== null && keyFile !== null ? { certFile, keyFile, clientCaFile } : null,
    allowedFacilities,
    maxMessageBytes: int('VBC_MLLP_MAX_MESSAGE_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    ackMemoryDays: int('VBC_MLLP_ACK_MEMORY_DAYS', 30, 1, 3650),
  };
}
