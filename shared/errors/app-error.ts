/**
 * Errors with a stable machine-readable code and a retriable flag, so callers decide between
 * "try again" (broker away, Redis busy) and "this input is bad" (dead-letter it) without parsing
 * messages.
 */
export const ErrorCode = {
  CONFIG_INVALID: 'CONFIG_INVALID',
  KAFKA_UNREACHABLE: 'KAFKA_UNREACHABLE',
  /** The broker refused the SASL credentials: a setting to correct, not something to wait out. */
  KAFKA_AUTH_FAILED: 'KAFKA_AUTH_FAILED',
  REGISTRY_UNREACHABLE: 'REGISTRY_UNREACHABLE',
  /** The schema registry refused the credentials (401 or 403). */
  REGISTRY_AUTH_FAILED: 'REGISTRY_AUTH_FAILED',
  REDIS_UNREACHABLE: 'REDIS_UNREACHABLE',
  /** Redis refused the password (or wants one): a setting to correct. */
  REDIS_AUTH_FAILED: 'REDIS_AUTH_FAILED',
  SCHEMA_UNKNOWN: 'SCHEMA_UNKNOWN',
  RECORD_UNDECODABLE: 'RECORD_UNDECODABLE',
  RECORD_INVALID: 'RECORD_INVALID',
  /** A claim of a performance year closed by its final reconciliation (expiry): refused, never counted twice. */
  PERIOD_CLOSED: 'PERIOD_CLOSED',
  /**
   * A service date too far from when the record was published (a typo such as 2062 for 2026), or before Medicare began.
   */
  DATE_IMPLAUSIBLE: 'DATE_IMPLAUSIBLE',
  SCENARIO_INVALID: 'SCENARIO_INVALID',
  /** An HL7 message that cannot be parsed, is not ADT, or comes from a sender not allowed (acknowledged AR). */
  HL7_REJECTED: 'HL7_REJECTED',
  /** A well-formed ADT message that cannot be mapped to a record (acknowledged AE). */
  HL7_UNMAPPABLE: 'HL7_UNMAPPABLE',
  STATE_CONFLICT: 'STATE_CONFLICT',
  /** Redis holds state laid out otherwise (another shard count, or the unsharded layout of 0.x): a setting or a migration, not something to wait out. */
  STATE_LAYOUT_MISMATCH: 'STATE_LAYOUT_MISMATCH',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** One line for an operator: the code and the message, never a stack. */
export function oneLine(error: unknown): string {
  if (isAppError(error)) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
