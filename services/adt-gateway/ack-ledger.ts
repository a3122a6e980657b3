import type { RedisClient } from '../../shared/redis/client.ts';
import type { AckCode } from '../../shared/hl7/ack.ts';
import type { RedisKeys } from '../../shared/engine/layout.ts';

/** A message as its sender names it: MSH-4 (all components, raw) and MSH-10 (raw). */
export interface MessageId {
  sendingFacility: string;
  controlId: string;
}

/**
 * The acknowledgement codes the gateway gave, so a retransmission (the same MSH-10 from the same
 * sending facility) gets the same code again and publishes nothing. Written after the message's
 * records are on Kafka and before the ACK is sent: a crash in between leaves the code unwritten,
 * the sender retransmits, and the records are published again, which changes nothing (an
 * encounter's later record of the same content replaces the earlier one).
 */
export interface AckLedger {
  recall(ids: MessageId[]): Promise<(AckCode | null)[]>;
  remember(entries: { id: MessageId; code: AckCode }[]): Promise<void>;
}

export function redisAckLedger(redis: RedisClient, keys: Pick<RedisKeys, 'hl7Ack'>, days: number): AckLedger {
  const key = (id: MessageId) => keys.hl7Ack(id.sendingFacility, id.controlId);
  return {
    async recall(ids) {
      if (ids.length === 0) return [];
      const codes = await redis.mget(ids.map(key));
      return codes.map((c) => (c === 'AA' || c === 'AE' || c === 'AR' ? c : null));
    },
    async remember(entries) {
      if (entries.length === 0) return;
      const p = redis.pipeline();
      for (const { id, code } of entries) p.set(key(id), code, 'EX', days * 86_400);
      for (const [error] of (await p.exec()) ?? []) if (error) throw error;
    },
  };
}

/** The same, in memory (unit tests). */
export function memoryAckLedger(): AckLedger & { size(): number } {
  const codes = new Map<string, AckCode>();
  const key = (id: MessageId) => `${id.sendingFacility.length}:${id.sendingFacility}|${id.controlId}`;
  return {
    recall: async (ids) => ids.map((id) => codes.get(key(id)) ?? null),
    remember: async (entries) => {
      for (const { id, code } of entries) codes.set(key(id), code);
    },
    size: () => codes.size,
  };
}
