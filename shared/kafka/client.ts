// First: kafkajs must be loaded after its record decoder is replaced (record-decoder.ts).
import './record-decoder.ts';
import { Kafka, logLevel as KafkaLogLevel, Partitioners, type ICustomPartitioner, type logCreator } from 'kafkajs';
import type { Config } from '../config/config.ts';
import { kafkaSecurityOptions } from '../config/security.ts';
import type { Logger } from '../logging/logger.ts';

/** The last error kafkajs reported for each client (a refused TLS handshake, say), for start-up failures to name. */
const lastErrors = new WeakMap<Kafka, { message: string | null }>();

/** What kafkajs last reported going wrong for this client, if anything. */
export function lastKafkaError(kafka: Kafka): string | null {
  return lastErrors.get(kafka)?.message ?? null;
}

/** kafkajs log entries into our pino logger; its own retries log at debug, so no stack-trace loops. */
function pinoLogCreator(logger: Logger, last: { message: string | null }): logCreator {
  return () =>
    ({ level, log }) => {
      const { message, ...extra } = log;
      // The connection's own error ("Connection error: ..."), not the seed-broker line that repeats it.
      if (level === KafkaLogLevel.ERROR && !message.startsWith('Failed to connect to seed broker')) {
        last.message =
          extra.error && !message.includes(String(extra.error)) ? `${message}: ${String(extra.error)}` : message;
      }
      // kafkajs reports every failed retry as an error; the caller reports the final failure once.
      const entry = { kafkajs: log.namespace ?? undefined, broker: extra.broker, error: extra.error };
      if (level === KafkaLogLevel.ERROR || level === KafkaLogLevel.WARN) logger.debug(entry, message);
      else if (level === KafkaLogLevel.INFO) logger.debug(entry, message);
    };
}

export function createKafka(config: Config, logger: Logger, clientId = config.kafkaClientId): Kafka {
  const last = { message: null as string | null };
  const kafka = new Kafka({
    clientId,
    brokers: config.kafkaBrokers,
    ...kafkaSecurityOptions(config.security),
    connectionTimeout: 3000,
    requestTimeout: 30000,
    logLevel: KafkaLogLevel.INFO,
    logCreator: pinoLogCreator(logger.child({ component: 'kafkajs' }), last),
    retry: { initialRetryTime: 250, retries: 8, maxRetryTime: 5000 },
  });
  lastErrors.set(kafka, last);
  return kafka;
}

/**
 * Partitions by the part of the key before the first '|' (the beneficiary on every per-beneficiary
 * topic), with kafkajs' Java-compatible default partitioner, so a producer keying by plain `mbi`
 * and our compound reference keys land a beneficiary's records in the same partition.
 */
export const beneficiaryPartitioner: ICustomPartitioner = () => {
  const byKey = Partitioners.DefaultPartitioner();
  return ({ topic, partitionMetadata, message }) => {
    const key = message.key === null || message.key === undefined ? message.key : String(message.key).split('|')[0];
    return byKey({ topic, partitionMetadata, message: { ...message, key: key ?? null } });
  };
};
