import { isCluster } from '../../../shared/redis/client.ts';
import { openContext } from '../../../shared/service/context.ts';
import { pendingOutbox, serviceLag } from '../catch-up.ts';
import type { Command } from './command.ts';

export const statusCommand: Command = {
  usage: 'status',
  summary: 'exit 0 when every service of `run all` is connected, assigned and caught up',
  async run() {
    const ctx = await openContext('vbc-status');
    try {
      const lags = await serviceLag(ctx);
      const outbox = await pendingOutbox(ctx);
      for (const l of lags)
        console.log(`${l.service}: ${l.members > 0 ? `${l.members} running` : 'NOT RUNNING'}, lag ${l.lag}`);
      console.log(`outbox: ${outbox} events waiting`);
      // Where the state is: what an operator checks before a failover or a change of VBC_PARTITIONS.
      const where = isCluster(ctx.redis)
        ? `Redis Cluster (${ctx.redis.nodes('master').length} primaries)`
        : `one Redis (${new URL(ctx.config.redisUrl).host})`;
      console.log(`state: ${where}, ${ctx.keys.shards} shards`);
      const down = lags.filter((l) => l.members === 0 || l.lag > 0);
      if (down.length > 0 || outbox > 0) {
        console.error(`vbc status: not caught up: ${down.map((l) => l.service).join(', ') || 'outbox'}`);
        return 1;
      }
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
