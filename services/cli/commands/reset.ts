import { topicSpecs } from '../../../shared/kafka/topics.ts';
import { openContext } from '../../../shared/service/context.ts';
import type { Command } from './command.ts';

export const resetCommand: Command = {
  usage: 'reset',
  summary: "delete all of this product's state (Redis keys, topic records); the stack and services stay up",
  async run() {
    const ctx = await openContext('vbc-reset', undefined, { checkLayout: false });
    try {
      // Topic records first: a running service then has nothing left to re-apply to the emptied Redis.
      for (const { topic } of topicSpecs(ctx.config)) {
        const offsets = await ctx.admin.fetchTopicOffsets(topic);
        const partitions = offsets
          .filter((p) => p.high !== p.low)
          .map((p) => ({ partition: p.partition, offset: p.high }));
        if (partitions.length > 0) await ctx.admin.deleteTopicRecords({ topic, partitions });
      }
      const deleted = await ctx.stores.deleteAll();
      console.error(`reset: topic records deleted, ${deleted} Redis keys removed`);
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
