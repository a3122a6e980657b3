import { migrateUnsharded } from '../../../shared/engine/migrate-unsharded.ts';
import { openContext } from '../../../shared/service/context.ts';
import { serviceLag } from '../catch-up.ts';
import type { Command } from './command.ts';

export const migrateStateCommand: Command = {
  usage: 'migrate-state',
  summary: 'with the services stopped: lay out state written before Redis Cluster support in shards',
  help: `Versions before Redis Cluster support kept the state in one Redis under unsharded keys
(<prefix>:b:{mbi}:facts, <prefix>:aco:..., <prefix>:outbox:...); this version keeps it in
VBC_PARTITIONS shards and refuses to start on the old layout. With the services stopped, this moves
every key to its shard (the same values: no record is re-read), then marks the layout. Run it again
if it was interrupted. Then start the services.`,
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
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
