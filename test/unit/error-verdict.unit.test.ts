import {
  KafkaJSConnectionError,
  KafkaJSGroupCoordinatorNotFound,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSSASLAuthenticationError,
} from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../shared/errors/app-error.ts';
import { crashCause, mayPass } from '../../shared/kafka/error-verdict.ts';

/** A broker's error response as kafkajs makes it (protocol/error.js), by its type. */
const protocolError = (type: string, retriable: boolean) =>
  new KafkaJSProtocolError({ type, code: 0, retriable, message: type.toLowerCase() } as unknown as Error);

/** A kafkajs error made as kafkajs makes it (its type declarations leave out some arguments). */
const kafkajsError = (kind: unknown, ...args: unknown[]) => new (kind as new (...a: unknown[]) => Error)(...args);

/** kafkajs hands its crash handler what it gave up on wrapped, as the runner's retrier does. */
const gaveUpOn = (error: Error) => kafkajsError(KafkaJSNonRetriableError, error, { cause: error });
const coordinatorNotFound = () => kafkajsError(KafkaJSGroupCoordinatorNotFound, 'Failed to find group coordinator');

describe('what a consumer crash kafkajs does not restart leads to', () => {
  it('a broker that is away or still loading its groups: the consumer starts again', () => {
    // What a broker restart gave in the restart test: kafkajs takes it as final.
    expect(mayPass(coordinatorNotFound())).toBe(true);
    expect(mayPass(gaveUpOn(coordinatorNotFound()))).toBe(true);
    const connection = new KafkaJSConnectionError('Connection error: ECONNREFUSED');
    expect(mayPass(new KafkaJSNumberOfRetriesExceeded(connection, { retryCount: 8, retryTime: 5000 }))).toBe(true);
    expect(mayPass(gaveUpOn(protocolError('ILLEGAL_GENERATION', false)))).toBe(true);
  });

  it('our own errors decide by their retriable flag, even wrapped', () => {
    const conflict = new AppError(ErrorCode.STATE_CONFLICT, 'another writer', { retriable: true });
    const setting = new AppError(ErrorCode.CONFIG_INVALID, 'a bad setting');
    expect(mayPass(gaveUpOn(conflict))).toBe(true);
    expect(mayPass(gaveUpOn(setting))).toBe(false);
    // An AppError wrapping a lower error is judged as the AppError, and named as the cause.
    const wrapping = new AppError(ErrorCode.CONFIG_INVALID, 'a bad setting', { cause: new Error('ENOENT') });
    expect(mayPass(gaveUpOn(wrapping))).toBe(false);
    expect(crashCause(gaveUpOn(wrapping))).toBe(wrapping);
  });

  it('errors of the code, refused credentials and permissions: the service stops', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'mbi')");
    expect(mayPass(gaveUpOn(bug))).toBe(false);
    expect(crashCause(gaveUpOn(bug))).toBe(bug);
    expect(mayPass(gaveUpOn(kafkajsError(KafkaJSSASLAuthenticationError, 'SASL PLAIN authentication failed')))).toBe(
      false,
    );
    expect(mayPass(gaveUpOn(protocolError('GROUP_AUTHORIZATION_FAILED', false)))).toBe(false);
    expect(mayPass(gaveUpOn(protocolError('TOPIC_AUTHORIZATION_FAILED', false)))).toBe(false);
  });
});
