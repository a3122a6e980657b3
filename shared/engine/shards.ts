/**
 * State shards: the product's Redis state is cut into as many shards as the input topics have
 * partitions, and a beneficiary's shard is the partition its records are produced to (Kafka's
 * default partitioner: murmur2 of the key, here the mbi). Each shard's keys share one Redis Cluster
 * hash slot (a hash tag), as Kafka Streams keeps one state store per partition: a batch of one
 * partition commits to one slot, in one script, and the shards spread over the cluster's primaries.
 */

/** Kafka's murmur2 (the Java client's and kafkajs's default partitioner), over the key's UTF-8 bytes. */
export function murmur2(key: string): number {
  // An mbi is ASCII: its characters are its bytes, read without making a Buffer per call.
  let ascii = true;
  for (let i = 0; i < key.length && ascii; i++) ascii = key.charCodeAt(i) < 128;
  if (ascii) return murmur2Bytes(key.length, (i) => key.charCodeAt(i));
  const data = Buffer.from(key, 'utf8');
  return murmur2Bytes(data.length, (i) => data[i]!);
}

function murmur2Bytes(length: number, byte: (i: number) => number): number {
  const m = 0x5bd1e995;
  let h = 0x9747b28c ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = byte(i) | (byte(i + 1) << 8) | (byte(i + 2) << 16) | (byte(i + 3) << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  // The tail bytes, as the Java switch with fall-through reads them.
  const tail = length & 3;
  if (tail === 3) h ^= byte(whole + 2) << 16;
  if (tail >= 2) h ^= byte(whole + 1) << 8;
  if (tail >= 1) {
    h ^= byte(whole);
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h;
}

/** The partition (and state shard) of a beneficiary among `count`: as Kafka's default partitioner places its records. */
export function shardOf(mbi: string, count: number): number {
  return (murmur2(mbi) & 0x7fffffff) % count;
}

/** Items by a key of each, the keys in the order first seen and each key's items in the order given. */
export function groupInOrder<K, T>(items: Iterable<T>, keyOf: (item: T) => K): Map<K, T[]> {
  const byKey = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = byKey.get(key);
    if (list) list.push(item);
    else byKey.set(key, [item]);
  }
  return byKey;
}

/** Beneficiaries by their shard, each shard's in the order given. */
export function mbisByShard(mbis: Iterable<string>, shardOfMbi: (mbi: string) => number): Map<number, string[]> {
  return groupInOrder(mbis, shardOfMbi);
}

/** Redis Cluster's key slot of a hash tag (CRC16/XMODEM mod 16384). */
export function slotOf(tag: string): number {
  let crc = 0;
  for (const byte of Buffer.from(tag, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}

const tagsByCount = new Map<number, string[]>();

/**
 * The hash tag of each of `count` shards: `p<shard>.<n>`, with the smallest n whose slot lies in the
 * shard's share of the 16,384 slots. A cluster made with even slot ranges (redis-cli --cluster create)
 * then holds an even share of the shards on each primary, where plain `p0`..`p5` could all land on one.
 */
export function shardTags(count: number): string[] {
  let tags = tagsByCount.get(count);
  if (tags) return tags;
  tags = [];
  for (let shard = 0; shard < count; shard++) {
    const low = Math.floor((shard * 16384) / count);
    const high = Math.floor(((shard + 1) * 16384) / count);
    for (let n = 0; ; n++) {
      const slot = slotOf(`p${shard}.${n}`);
      if (slot >= low && slot < high) {
        tags.push(`p${shard}.${n}`);
        break;
      }
    }
  }
  tagsByCount.set(count, tags);
  return tags;
}

/** How much one chunk of a batch may hold (one script call each, see beneficiary-store.ts SLICE). */
export interface ChunkLimits {
  beneficiaries: number;
  /** Incoming records, summed over the chunk's beneficiaries. */
  records: number;
}

/**
 * Items in consecutive groups, in the order given: a group ends before the item that would take it
 * past `maxItems` items or `maxWeight` of weight; an item heavier than `maxWeight` is a group of its own.
 */
export function packInOrder<T>(
  items: Iterable<T>,
  weightOf: (item: T) => number,
  maxItems: number,
  maxWeight: number,
): T[][] {
  const groups: T[][] = [];
  let group: T[] = [];
  let weight = 0;
  for (const item of items) {
    const w = weightOf(item);
    if (group.length > 0 && (group.length >= maxItems || weight + w > maxWeight)) {
      groups.push(group);
      group = [];
      weight = 0;
    }
    group.push(item);
    weight += w;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/**
 * Beneficiaries in chunks of one shard each, a shard's chunks one after another, in the order given.
 * A chunk ends before the beneficiary that would take it past either limit; a beneficiary with more
 * records than the limit has a chunk of its own.
 */
export function chunksByShard(
  mbis: string[],
  shardOf: (mbi: string) => number,
  limits: ChunkLimits,
  recordsOf: (mbi: string) => number,
): { shard: number; mbis: string[] }[] {
  const chunks: { shard: number; mbis: string[] }[] = [];
  for (const [shard, list] of mbisByShard(mbis, shardOf))
    for (const chunk of packInOrder(list, recordsOf, limits.beneficiaries, limits.records))
      chunks.push({ shard, mbis: chunk });
  return chunks;
}
