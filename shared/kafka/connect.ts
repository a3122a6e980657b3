import type { Admin, Kafka } from 'kafkajs';
import type { Config } from '../config/config.ts';
import { clientCertificateHint } from '../config/security.ts';
import { AppError, ErrorCode } from '../errors/app-error.ts';
import { lastKafkaError } from './client.ts';

/** Rejects after ms with the given error; the timer never keeps the process alive. */
export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref();
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/**
 * Connects an admin client and asks for cluster metadata, within the configured start-up budget.
 * A service that cannot reach Kafka fails here with one line naming the broker address and what
 * went wrong (a refused TLS certificate, a broker not listening); refused credentials fail at once
 * with their own code.
 */
export async function connectAdmin(kafka: Kafka, config: Config): Promise<Admin> {
  const admin = kafka.admin();
  const where = config.kafkaBrokers.join(',');
  const fail = (cause?: unknown) => {
    if (cause instanceof Error && cause.name === 'KafkaJSSASLAuthenticationError') {
      return new AppError(
        ErrorCode.KAFKA_AUTH_FAILED,
        `the Kafka broker at ${where} refused the SASL credentials of KAFKA_SASL_USERNAME (${cause.message})`,
        { cause },
      );
    }
    const reason = (cause instanceof Error ? cause.message : lastKafkaError(kafka))?.trim();
    const hint = reason
      ? clientCertificateHint(reason, config.security.kafkaClientCert !== null, [
          'KAFKA_SSL_CERT_FILE',
          'KAFKA_SSL_KEY_FILE',
        ])
      : '';
    return new AppError(
      ErrorCode.KAFKA_UNREACHABLE,
      `cannot reach the Kafka broker at ${where} within ${Math.round(config.connectTimeoutMs / 1000)}s${reason ? ` (${reason}${hint})` : ''}`,
      { retriable: true, cause },
    );
  };
  try {
    await withTimeout(
      (async () => {
        await admin.connect();
        await admin.describeCluster();
      })(),
      config.connectTimeoutMs,
      () => fail(),
    );
    return admin;
  } catch (error) {
    await admin.disconnect().catch(() => undefined);
    throw error instanceof AppError ? error : fail(error);
  }
}
