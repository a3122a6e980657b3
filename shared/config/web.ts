import { envReader, type Env } from './env-reader.ts';

/** The web application's settings: where it listens, its users, TLS (Secure cookies) and sessions. */
export interface WebConfig {
  host: string;
  /** 0: any free port (tests); null (VBC_WEB_PORT=off): `vbc run all` runs no web service. */
  port: number | null;
  /** The users file (JSON, password hashes only); null: nobody can sign in until one is given. */
  usersFile: string | null;
  tls: { certFile: string; keyFile: string } | null;
  sessionHours: number;
  /** Failed sign-ins allowed per user name and per address in 15 minutes, before 429. */
  signInAttempts: number;
}

export function loadWeb(env: Env, problems: string[]): WebConfig {
  const { get, int, file } = envReader(env, problems);
  const certFile = file('VBC_WEB_TLS_CERT_FILE');
  const keyFile = file('VBC_WEB_TLS_KEY_FILE');
  if ((certFile === null) !== (keyFile === null))
    problems.push('VBC_WEB_TLS_CERT_FILE and VBC_WEB_TLS_KEY_FILE go together');
  return {
    host: get('VBC_WEB_HOST') ?? '127.0.0.1',
    port: get('VBC_WEB_PORT') === 'off' ? null : int('VBC_WEB_PORT', 8080, 0, 65535),
    usersFile: file('VBC_WEB_USERS_FILE'),
    tls: certFile !== null && keyFile !== null ? { certFile, keyFile } : null,
    sessionHours: int('VBC_WEB_SESSION_HOURS', 8, 1, 24 * 30),
    signInAttempts: int('VBC_WEB_SIGN_IN_ATTEMPTS', 5, 1, 1000),
  };
}
