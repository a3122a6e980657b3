import type { Context } from '../../shared/service/context.ts';
import { recordKey } from '../../shared/kafka/topics.ts';
import { schemaText, valueSubject } from '../../shared/registry/schemas.ts';
import type { BadKind, ClaimsFeed, ClaimValue } from './claims-feed.ts';

/** A claims schema whose ClaimType enum has a symbol the product does not know, as a rogue producer might register. */
async function variantSubject(ctx: Context): Promise<string> {
  const schema = JSON.parse(schemaText('claims')) as { fields: { name: string; type: unknown }[] };
  const claimType = schema.fields.find((f) => f.name === 'claimType')!;
  claimType.type = {
    ...(claimType.type as object),
    symbols: [...(claimType.type as { symbols: string[] }).symbols, 'DENTAL'],
  };
  const subject = `${ctx.topics.input('claims')}-variant-value`;
  await ctx.codec.register(subject, JSON.stringify(schema));
  return subject;
}

function badBytes(ctx: Context, kind: BadKind, value: ClaimValue, variant: string): Buffer {
  const subject = valueSubject(ctx.topics.input('claims'));
  switch (kind) {
    case 'undecodable':
      return Buffer.from(JSON.stringify(value));
    case 'unknown-schema': {
      const bytes = ctx.codec.encode(subject, value);
      bytes.writeUInt32BE(987_654_321, 1);
      return bytes;
    }
    case 'unknown-enum':
      return ctx.codec.encode(variant, { ...value, claimType: 'DENTAL' });
    default:
      return ctx.codec.encode(subject, value);
  }
}

/**
 * Publishes a claims feed (attribution before or after the claims) through the registry codec,
 * keyed by beneficiary. Returns the bytes of every bad record sent, to find them on the dead-letter topic.
 */
export async function publishClaimsFeed(
  ctx: Context,
  feed: ClaimsFeed,
  parts: ('attribution' | 'claims')[],
): Promise<Buffer[]> {
  const variant = await variantSubject(ctx);
  const bad: Buffer[] = [];
  for (const part of parts) {
    const topic = ctx.topics.input(part);
    const messages =
      part === 'attribution'
        ? feed.attribution.map((a) => ({
            key: recordKey('attribution', { ...a }),
            value: ctx.codec.encode(valueSubject(topic), a),
          }))
        : feed.records.map((r) => {
            if ('good' in r) return { key: r.good.mbi, value: ctx.codec.encode(valueSubject(topic), r.good) };
            const value = badBytes(ctx, r.bad, r.value, variant);
            bad.push(value);
            return { key: r.mbi, value };
          });
    for (let i = 0; i < messages.length; i += 2000) {
      await ctx.producer.send({ topic, acks: -1, messages: messages.slice(i, i + 2000) });
    }
  }
  return bad;
}
