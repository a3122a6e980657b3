import { envReader, type Env } from './env-reader.ts';

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
  const { get, int, file } = envReader(env, problems);
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
