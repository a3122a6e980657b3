import { groupLag } from '../../services/cli/catch-up.ts';
import type { Config } from '../../shared/config/config.ts';
import { recordKey, type InputTopic } from '../../shared/kafka/topics.ts';
import { valueSubject } from '../../shared/registry/schemas.ts';
import { groupIdFor } from '../../shared/service/consumer-service.ts';
import type { Context } from '../../shared/service/context.ts';

/** Publishes records to an input topic as a producer would: Avro through the registry, keyed as the contract says. */
export async function publishRecords(ctx: Context, topic: InputTopic, values: object[]): Promise<void> {
  const physical = ctx.topics.input(topic);
  await ctx.producer.send({
    topic: physical,
    acks: -1,
    messages: values.map((v) => ({
      key: recordKey(topic, { ...v } as Record<string, unknown>),
      value: ctx.codec.encode(valueSubject(physical), v),
    })),
  });
}

/** Records of the claims and attribution topics the claims service's group has not committed yet. */
export function claimsLag(ctx: Context, config: Config): Promise<number> {
  return groupLag(ctx.admin, groupIdFor(config.groupPrefix, 'claims'), [
    ctx.topics.input('claims'),
    ctx.topics.input('attribution'),
  ]);
}
