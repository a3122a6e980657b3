import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs with PHI redacted: beneficiary identifiers and names never reach a log line,
 * whether logged at the top level or nested one or two objects deep.
 */
const PHI_FIELDS = ['mbi', 'beneficiaryName', 'patientName', 'firstName', 'lastName', 'dateOfBirth', 'birthDate'];

export const REDACT_PATHS = PHI_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);

export function createLogger(options: { name: string; level?: string; destination?: pino.DestinationStream }): Logger {
  const settings: pino.LoggerOptions = {
    name: options.name,
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    base: { service: options.name },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  // Logs go to stderr: stdout is reserved for command output (`vbc export` prints JSON there).
  return pino(settings, options.destination ?? pino.destination(2));
}

export type { Logger };
