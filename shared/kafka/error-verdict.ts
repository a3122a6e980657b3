import { isAppError } from '../errors/app-error.ts';

/** The errors down a chain of causes, the one given first (kafkajs wraps what it gave up on). */
function causes(error: Error): Error[] {
  const chain: Error[] = [error];
  let at: unknown = error.cause;
  while (at instanceof Error && chain.length < 16) {
    chain.push(at);
    at = at.cause;
  }
  return chain;
}

/** The error that says what went wrong: the first AppError down the causes, else the deepest cause. */
const causeIn = (chain: Error[]): Error => chain.find(isAppError) ?? chain[chain.length - 1]!;

/** The error that says what went wrong (causeIn) of an error kafkajs gave up on. */
export function crashCause(error: Error): Error {
  return causeIn(causes(error));
}

/** Errors of the code itself: kafkajs never retries them, and no retry would mend them. */
const PROGRAMMING_ERRORS = new Set(['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError']);

/**
 * Whether an error a Kafka client gave up on may pass with time (the broker away, restarting, or
 * electing leaders), so that starting again or sending again later is worth it. kafkajs itself
 * goes by the deepest cause's retriable flag, and takes some errors of a broker that is merely
 * away as final: "Failed to find group coordinator" (KafkaJSGroupCoordinatorNotFound) while a
 * restarted broker loads its groups, stale metadata, retries used up on a connection. A consumer
 * it stopped on one would leave the process up and consuming nothing. Final: our own errors marked
 * not retriable (a bad setting), errors of the code, and credentials or permissions the broker refuses.
 */
export function mayPass(error: Error): boolean {
  const chain = causes(error);
  const cause = causeIn(chain);
  if (isAppError(cause)) return cause.retriable;
  if (PROGRAMMING_ERRORS.has(cause.name)) return false;
  return !chain.some(
    (e) =>
      e.name === 'KafkaJSSASLAuthenticationError' ||
      /AUTHORIZATION_FAILED|AUTHENTICATION|SASL/.test(String((e as { type?: unknown }).type ?? '')),
  );
}
