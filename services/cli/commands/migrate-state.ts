import { migrateUnsharded } from '../../../shared/engine/migrate-unsharded.ts';
import { migrateVersionFields } from '../../../shared/engine/migrate-version-fields.ts';
import { openContext } from '../../../shared/service/context.ts';
import { serviceLag } from '../catch-up.ts';
import type { Command } from './command.ts';

export const migrateStateCommand: Command = {
  usage: 'migrate-state',
  summary: 'with the services stopped: lay out state written by an earlier version as this one reads it',
  help: `Versions before Redis Cluster support kept the state in one Redis under unsharded keys
(<prefix>:b:{mbi}:facts, <prefix>:aco:..., <prefix>:outbox:...); the first sharded versions kept each
beneficiary's version and totals summary in its state hash. This version keeps the state in
VBC_PARTITIONS shards, the version and summary in the beneficiary's facts hash, and refuses to start
on an earlier layout. With the services stopped, this moves every key to its shard, then each
beneficiary's version and summary into its facts hash (the same values: no record is re-read), and
marks the layout. Run it again if it was interrupted. Then start the services.`,
  async run() {
    const ctx = await openContext('vbc-migrate-state', undefined, { checkLayout: false });
    try {
      const busy = (await serviceLag(ctx)).filter((l) => l.members > 0).map((l) => l.service);
      if (busy.length > 0)
        throw new Error(
          `stop the running services first (${busy.join(', ')} still consuming): they must not write meanwhile`,
        );
      const moved = await migrateUnsharded(ctx.redis, ctx.config.redisPrefix, ctx.keys);
      console.error(`migrate-state: ${moved} keys of the unsharded layout moved into ${ctx.keys.shards} shards`);
      const versions = await migrateVersionFields(ctx.redis, ctx.config.redisPrefix, ctx.keys);
      console.error(`migrate-state: ${versions} beneficiaries' versions and summaries moved into their facts hashes`);
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
