/** What kafkajs's record-batch decoder tells a record decoder of the batch. */
export interface RecordContext {
  firstOffset: string;
  firstTimestamp: string;
  magicByte: number;
  isControlBatch?: boolean;
  timestampType: number;
  maxTimestamp: string;
}

/**
 * What every record of one fetched record batch shares: the fetched bytes, what kafkajs told of the
 * batch, and the batch's first offset and timestamp as numbers (record-decoder.ts takes only
 * batches whose records' offsets and timestamps are exact in doubles).
 */
export class FetchedBatch {
  constructor(
    readonly context: RecordContext,
    /** One view of the response's memory, shared by every record of the fetch. */
    readonly source: Buffer,
    readonly firstOffset: number,
    readonly firstTimestamp: number,
    /** The batch's maximum timestamp when the broker set the time (LOG_APPEND_TIME): every record's. */
    readonly appendTime: string | null,
  ) {}
}

/**
 * One fetched record that keeps where its key, value and headers are in the fetched bytes, and
 * makes them when they are asked for.
 *
 * Why: kafkajs decodes a whole fetch (up to VBC_FETCH_BYTES_PER_PARTITION per partition, some
 * 200,000 claim records) into messages at once and holds them until every batch of the fetch is
 * handled, seconds later: they were the largest part of what the claims service holds (a heap
 * snapshot after a full collection: 217,057 records, 26 MB, and their offset strings), and V8 lets
 * its old generation grow to several times what it holds. Each of kafkajs's messages held a Buffer
 * view for its key, another for its value, an object for its (mostly empty) headers and strings
 * for its offset and timestamp. This record holds small numbers and its batch's shared part; the
 * views and strings it gives die young, and the service's own path (`keyText`,
 * AvroCodec.decodeAt) reads the fetched bytes without any.
 *
 * A record read this way has `key`, `value`, `headers`, `offset` and `timestamp` as getters of its
 * class, not as its own properties: code that copies a message must name them (`{ ...message }`
 * would leave them out). Each read makes a new view or string, as cheap as kafkajs's were.
 */
export class FetchedRecord {
  constructor(
    readonly batch: FetchedBatch,
    readonly attributes: number,
    /** The record's offset less its batch's first. */
    private readonly offsetDelta: number,
    /** The record's timestamp less its batch's first (ms). */
    private readonly timestampDelta: number,
    readonly keyAt: number,
    /** -1 for a null key. */
    readonly keyLength: number,
    readonly valueAt: number,
    /** -1 for a null value. */
    readonly valueLength: number,
    /** The record's headers when it has any (few do: they are decoded with the record); null for none. */
    private readonly heldHeaders: Record<string, Buffer | null | (Buffer | null)[]> | null,
  ) {}

  /** The fetched bytes the record is in. */
  get source(): Buffer {
    return this.batch.source;
  }

  get batchContext(): RecordContext {
    return this.batch.context;
  }

  get magicByte(): number {
    return this.batch.context.magicByte;
  }

  get isControlRecord(): boolean {
    return this.batch.context.isControlBatch ?? false;
  }

  get offset(): string {
    return String(this.batch.firstOffset + this.offsetDelta);
  }

  get timestamp(): string {
    return this.batch.appendTime ?? String(this.batch.firstTimestamp + this.timestampDelta);
  }

  get key(): Buffer | null {
    return this.keyLength < 0 ? null : this.source.subarray(this.keyAt, this.keyAt + this.keyLength);
  }

  get value(): Buffer | null {
    return this.valueLength < 0 ? null : this.source.subarray(this.valueAt, this.valueAt + this.valueLength);
  }

  /** A new empty object for a record without headers, as kafkajs gives every message one of its own. */
  get headers(): Record<string, Buffer | null | (Buffer | null)[]> {
    return this.heldHeaders ?? {};
  }
}

/** A message's key as latin1 text ('' for none): for a fetched record, without a view of its own. */
export function keyText(message: { key: Buffer | null }): string {
  if (message instanceof FetchedRecord) {
    const { keyAt, keyLength } = message;
    return keyLength <= 0 ? '' : message.batch.source.toString('latin1', keyAt, keyAt + keyLength);
  }
  return message.key === null ? '' : message.key.toString('latin1');
}

/** Where a message's value is: `valueLength` bytes of `source` from `valueAt`, -1 for a null value. */
export interface ValuePlace {
  readonly source: Buffer;
  readonly valueAt: number;
  readonly valueLength: number;
}

const NO_BYTES = Buffer.alloc(0);

/** A message's value where it is: a fetched record is its own place in the fetched bytes; another message's value is all of its Buffer. */
export function valuePlace(message: { value: Buffer | null }): ValuePlace {
  if (message instanceof FetchedRecord) return message;
  const { value } = message;
  return value === null
    ? { source: NO_BYTES, valueAt: 0, valueLength: -1 }
    : { source: value, valueAt: 0, valueLength: value.length };
}
