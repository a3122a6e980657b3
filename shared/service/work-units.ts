import { groupInOrder, packInOrder } from '../engine/shards.ts';
import { keyText } from '../kafka/fetched-record.ts';

/** What `workUnits` needs of a fetched message. */
interface Keyed {
  key: Buffer | null;
}

/**
 * A batch's messages in units of at most `limit` records (0: the whole batch as one), every key's
 * messages in one unit and in their order, so that one beneficiary's records of the batch are
 * still read, planned and committed together (its cost per batch is paid once, README
 * Performance). A key with more than `limit` messages is a unit of its own.
 *
 * Why units: a fetch of a large file brings tens of thousands of records per partition, and what
 * a batch allocates for them (decoded records, facts, plans, the commit's text) lived until the
 * whole batch was done, over several of V8's young-generation collections; 43% of what the claims
 * service allocated outlived one (README, Scale-out targets), and copying it was most of the
 * collector's time. A unit is decoded, validated, applied and committed before the next is
 * decoded, so most of what it allocates dies young. Kafka's offset is still committed once, after
 * the last unit.
 */
export function workUnits<M extends Keyed>(messages: M[], limit: number): M[][] {
  if (limit <= 0 || messages.length <= limit) return [messages];
  const byKey = groupInOrder(messages, keyText);
  return packInOrder(byKey.values(), (list) => list.length, Number.POSITIVE_INFINITY, limit).map((lists) =>
    lists.flat(),
  );
}
