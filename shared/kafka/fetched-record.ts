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
 * One fetched record that keeps where its key, value and headers are in the fetched bytes, and
 * makes them when they are asked for.
 *
 * Why: kafkajs decodes a whole fetch (up to VBC_FETCH_BYTES_PER_PARTITION per partition, some
 * 200,000 claim records) into messages at once and holds them until every batch of the fetch is
 * handled, seconds later. Each of its messages held a Buffer view for its key, another for its value
 * and an object for its (mostly empty) headers: about 390 bytes on the heap, which outlived the
 * young generation's collections and were copied, promoted and collected again in the old one. This
 * record holds numbers instead (about 150 bytes with its offset and timestamp strings); the views it gives die young, and
 * the service's own path (`keyText`, AvroCodec.decodeAt) reads the fetched bytes without any.
 *
 * A record read this way has `key`, `value` and `headers` as getters of its class, not as its own
 * properties: code that copies a message must name them (`{ ...message }` would leave them out).
 * Each read makes a new view of the same bytes, as cheap as kafkajs's slice was.
 */
export class FetchedRecord {
  constructor(
    readonly magicByte: number,
    readonly attributes: number,
    readonly timestamp: string,
    readonly offset: string,
    readonly isControlRecord: boolean,
    readonly batchContext: RecordContext,
    /** The fetched bytes: one view of the response's memory, shared by every record of the fetch. */
    readonly source: Buffer,
    readonly keyAt: number,
    /** -1 for a null key. */
    readonly keyLength: number,
    readonly valueAt: number,
    /** -1 for a null value. */
    readonly valueLength: number,
    /** The record's headers when it has any (few do: they are decoded with the record); null for none. */
    private readonly heldHeaders: Record<string, Buffer | null | (Buffer | null)[]> | null,
  ) {}

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
    const { source, keyAt, keyLength } = message;
    return keyLength <= 0 ? '' : source.toString('latin1', keyAt, keyAt + keyLength);
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
