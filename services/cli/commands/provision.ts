import { loadConfig } from '../../../shared/config/config.ts';
import { registryClientOptions } from '../../../shared/config/security.ts';
import { createLogger } from '../../../shared/logging/logger.ts';
import { createKafka } from '../../../shared/kafka/client.ts';
import { connectAdmin } from '../../../shared/kafka/connect.ts';
import { ensureTopics } from '../../../shared/kafka/provision.ts';
import { topicNames } from '../../../shared/kafka/topics.ts';
import { AvroCodec } from '../../../shared/registry/codec.ts';
import { registerAllSchemas } from '../../../shared/registry/schemas.ts';
import type { Command } from './command.ts';

/** Creates the product's topics and registers its schemas; safe to run any number of times. */
export async function provision(): Promise<{ created: string[] }> {
  const config = loadConfig();
  const logger = createLogger({ name: 'vbc-cli', level: config.logLevel });
  const admin = await connectAdmin(createKafka(config, logger), config);
  try {
    const created = await ensureTopics(admin, config);
    await registerAllSchemas(
      new AvroCodec(config.schemaRegistryUrl, registryClientOptions(config.security)),
      topicNames(config).physical,
    );
    return { created };
  } finally {
    await admin.disconnect();
  }
}

export const provisionCommand: Command = {
  usage: 'provision',
  summary: "create the product's topics and register its Avro schemas (idempotent)",
  async run() {
    const { created } = await provision();
    console.log(
      created.length ? `created ${created.length} topics; schemas registered` : 'topics present; schemas registered',
    );
    return 0;
  },
};
