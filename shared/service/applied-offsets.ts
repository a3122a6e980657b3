import type { Consumer } from 'kafkajs';
import { oneLine } from '../errors/app-error.ts';
import { M, metrics } from '../metrics/registry.ts';
import type { Context } from './context.ts';

/**
 * Redis's own record of how far each partition's records are applied, so that a Redis that lost
 * writes cannot lose records. Kafka's committed offset follows Redis's acknowledgement, not its
 * durability: a failover to a replica that had not received the last writes, or an AOF that missed
 * its last second in an OS crash, leaves Redis behind offsets the group already committed, and
 * those records would never be applied again. So each batch's end is recorded in Redis after its
 * state, on the same connection (AOF and replication keep the order of writes: the record survives
 * only if the state before it does), and before its offset commit. A partition is re-read from what
 * Redis holds (facts already held are no-ops) when Redis holds less than this member recorded last,
 * or than the group had committed when the member got the partition. Checked when the member gets
 * its partitions, when its Redis connection comes back (a failover under a running service), and
 * at every batch's record (which refuses to move the offset on then). A partition Redis holds
 * nothing for (a new installation, an empty Redis: see `vbc rebuild`) is taken as committed.
 */
export function appliedOffsets(
  ctx: Context,
  groupId: string,
  consumer: Consumer,
  log: Context['logger'],
  service: string,
  /** Told of a rewind: no offset above `held` may be committed for this partition now (commit-retry.ts). */
  onRewind: (topic: string, partition: number) => void = () => undefined,
) {
  // What Redis must hold at least, by 'topic|partition': this member's last record, else the
  // offset the group had committed when the member got the partition (read once per topic).
  const expected = new Map<string, string>();
  const committedAtJoin = new Map<string, Promise<Map<number, string>>>();
  let assignment: Record<string, number[]> = {};
  const committed = (topic: string) => {
    let offsets = committedAtJoin.get(topic);
    if (!offsets) {
      offsets = ctx.admin
        .fetchOffsets({ groupId, topics: [topic] })
        .then(
          (r) =>
            new Map((r[0]?.partitions ?? []).filter((p) => BigInt(p.offset) >= 0n).map((p) => [p.partition, p.offset])),
        );
      offsets.catch(() => committedAtJoin.delete(topic));
      committedAtJoin.set(topic, offsets);
    }
    return offsets;
  };
  const atLeast = async (topic: string, partition: number) =>
    expected.get(`${topic}|${partition}`) ?? (await committed(topic)).get(partition);
  const rewind = (topic: string, partition: number, held: string, reason: string) => {
    log.warn(
      { topic, partition, appliedUpTo: held, reason },
      'Redis holds this partition applied only up to an offset below the one committed (it lost writes); re-reading from there',
    );
    metrics.inc(...M.rewinds, { service, topic: ctx.topics.logical(topic) ?? topic }, 1);
    expected.set(`${topic}|${partition}`, held);
    onRewind(topic, partition);
    consumer.seek({ topic, partition, offset: held });
  };
  /** Every assigned partition against what Redis holds. */
  const checkAll = async (reason: string) => {
    for (const [topic, partitions] of Object.entries(assignment)) {
      if (partitions.length === 0) continue;
      // What Redis must hold is taken before what it holds is read: a batch recorded in between
      // raises both, and read the other way round it would look like a loss.
      const least = await Promise.all(partitions.map((p) => atLeast(topic, p)));
      const held = await ctx.stores.applied.held(
        groupId,
        partitions.map((p) => `${topic}|${p}`),
      );
      for (const [i, partition] of partitions.entries()) {
        const [h, l] = [held[i], least[i]];
        if (h != null && l !== undefined && BigInt(h) < BigInt(l)) rewind(topic, partition, h, reason);
      }
    }
  };
  const check = (reason: string) => {
    checkAll(reason).catch((error: unknown) =>
      log.warn(
        { reason: oneLine(error) },
        'could not compare the applied offsets in Redis; each batch still checks its own',
      ),
    );
  };
  const reconnected = () => check('Redis connection back');
  const stopListening = ctx.stores.applied.onReconnect(reconnected);
  return {
    joined(memberAssignment: Record<string, number[]>) {
      assignment = memberAssignment;
      expected.clear();
      committedAtJoin.clear();
      check('partitions assigned');
    },
    /**
     * After the batch's state, before its offset commit: applied through `lastOffset`. Returns the
     * offset to commit (the one after it), or null (nothing recorded, partition rewound) when Redis
     * lost writes.
     */
    async record(topic: string, partition: number, lastOffset: string): Promise<string | null> {
      const field = `${topic}|${partition}`;
      const next = String(BigInt(lastOffset) + 1n);
      const held = await ctx.stores.applied.record(groupId, field, (await atLeast(topic, partition)) ?? null, next);
      if (held === null) {
        expected.set(field, next);
        return next;
      }
      rewind(topic, partition, held, 'batch');
      return null;
    },
    stop: () => {
      stopListening();
    },
  };
}
