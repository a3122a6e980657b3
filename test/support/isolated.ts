import { randomUUID } from 'node:crypto';
import { loadConfig, type Config } from '../../shared/config/config.ts';

/** A config of our own: unique topic and Redis prefixes, so tests never see each other's data. */
export function isolatedEnv(label: string): Record<string, string> {
  const id = `${label}-${randomUUID().slice(0, 8)}`;
  // Any free MLLP port and no web service: many `vbc run all` run side by side in the suite.
  return {
    VBC_TOPIC_PREFIX: `t.${id}.`,
    VBC_REDIS_PREFIX: `t:${id}`,
    VBC_PARTITIONS: '6',
    LOG_LEVEL: 'error',
    VBC_MLLP_PORT: '0',
    VBC_WEB_PORT: 'off',
  };
}

export function isolatedConfig(label: string): Config {
  return loadConfig({ ...process.env, ...isolatedEnv(label) });
}
