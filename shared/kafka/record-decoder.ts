import { createRequire } from 'node:module';
import { FetchedBatch, FetchedRecord, type RecordContext } from './fetched-record.ts';

export type { RecordContext } from './fetched-record.ts';

/**
 * A faster decoder of one record of a fetched record batch, put in place of kafkajs 2.2.4's own
 * (kafkajs/src/protocol/recordBatch/record/v0/decoder.js), which gives the same record.
 *
 * Why: kafkajs does a record's 64-bit arithmetic with its BigInt-backed Long: the timestamp delta
 * (a zig-zag varlong) takes three Long objects per byte, then its zig-zag decoding, and the record's
 * timestamp and offset each parse the batch's first value from its string and add to it. That was
 * about a tenth of what the claims service allocated (a sampling heap profile of `npm run bench`),
 * and the collector's time goes with what is allocated. Here the same values are
 * computed in doubles, exact while they stay below 2^53 (timestamps in milliseconds and offsets do,
 * by far), and a record whose values might not is handed to kafkajs's decoder unchanged. The
 * record it gives keeps its key and value in the fetched bytes until they are read
 * (fetched-record.ts): a fetch's records are held for seconds, and their views were most of them.
 *
 * How: kafkajs's record-batch decoder takes the record decoder with `require` when it is loaded, so
 * this one must be in Node's module cache under that file's name before kafkajs is loaded. Every
 * module that imports kafkajs does so after shared/kafka/client.ts, which imports this module first;
 * `fastRecordDecoding()` says whether it took. Only for the kafkajs version it was written against.
 */

const require = createRequire(import.meta.url);
const KAFKAJS_VERSION = '2.2.4';
const RECORD_DECODER = 'kafkajs/src/protocol/recordBatch/record/v0/decoder.js';
const BATCH_DECODER = 'kafkajs/src/protocol/recordBatch/v0/decoder.js';
const LOG_APPEND_TIME = 1;
/** Varlong bytes whose value is below 2^49, so that it and its sum with a timestamp stay exact. */
const EXACT_VARLONG_BYTES = 7;

/** What this module needs of kafkajs's Decoder. */
export interface RecordSource {
  buffer: Buffer;
  offset: number;
  readInt8(): number;
  readVarInt(): number;
  readVarIntBytes(): Buffer | null;
  readVarIntString(): string | null;
}

export interface DecodedRecord {
  magicByte: number;
  attributes: number;
  timestamp: string;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | null | (Buffer | null)[]>;
  isControlRecord: boolean;
  batchContext: RecordContext;
}

type Decode = (decoder: RecordSource, context?: RecordContext) => DecodedRecord;

/** A decimal string as a double, or NaN when the double would not be exactly that integer. */
function exactly(text: string): number {
  const n = Number(text);
  return Number.isSafeInteger(n) && String(n) === text ? n : Number.NaN;
}

/**
 * The record decoder, with kafkajs's for the records it does not take. The batch's first offset and
 * timestamp are parsed once per batch: its records are decoded one after the other.
 */
export function recordDecoder(kafkajsDecode: Decode): Decode {
  let lastContext: RecordContext | null = null;
  // One view of the fetched memory for every record in it, and one shared part per record batch
  // (fetched-record.ts).
  let lastMemory: ArrayBufferLike | null = null;
  let source: Buffer = Buffer.alloc(0);
  let batch: FetchedBatch | null = null;
  let firstOffset = Number.NaN;
  let firstTimestamp = Number.NaN;
  // Every record's timestamp when the broker set the time (LOG_APPEND_TIME), else null.
  let appendTime: string | null = null;
  return (decoder, context = {} as RecordContext) => {
    if (context !== lastContext) {
      lastContext = context;
      batch = null;
      firstOffset = exactly(String(context.firstOffset));
      firstTimestamp = exactly(String(context.firstTimestamp));
      appendTime =
        context.timestampType === LOG_APPEND_TIME && context.maxTimestamp ? String(context.maxTimestamp) : null;
    }
    const start = decoder.offset;
    const attributes = decoder.readInt8();
    // The timestamp delta: a zig-zag varlong, least significant 7 bits first.
    const bytes = decoder.buffer;
    let at = decoder.offset;
    let zigzag = 0;
    let scale = 1;
    let byte: number;
    let count = 0;
    do {
      byte = bytes[at++]!;
      zigzag += (byte & 0x7f) * scale;
      scale *= 128;
      count++;
    } while (byte >= 0x80 && count < EXACT_VARLONG_BYTES);
    const timestampDelta = zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
    const timestamp = appendTime ?? firstTimestamp + timestampDelta;
    if (byte >= 0x80 || !Number.isSafeInteger(Number(timestamp))) {
      decoder.offset = start;
      return kafkajsDecode(decoder, context);
    }
    decoder.offset = at;
    const offsetDelta = decoder.readVarInt();
    // Also refuses a batch whose first offset is not exact (NaN).
    if (!Number.isSafeInteger(firstOffset + offsetDelta)) {
      decoder.offset = start;
      return kafkajsDecode(decoder, context);
    }
    // The key and value stay in the fetched bytes (fetched-record.ts): only where they are is kept.
    const memory = decoder.buffer.buffer;
    if (memory !== lastMemory) {
      lastMemory = memory;
      source = Buffer.from(memory);
      batch = null;
    }
    batch ??= new FetchedBatch(context, source, firstOffset, firstTimestamp, appendTime);
    const base = decoder.buffer.byteOffset;
    const keyLength = decoder.readVarInt();
    const keyAt = base + decoder.offset;
    if (keyLength > 0) decoder.offset += keyLength;
    const valueLength = decoder.readVarInt();
    const valueAt = base + decoder.offset;
    if (valueLength > 0) decoder.offset += valueLength;
    return new FetchedRecord(
      batch,
      attributes,
      offsetDelta,
      timestampDelta,
      keyAt,
      keyLength,
      valueAt,
      valueLength,
      readHeaders(decoder),
    );
  };
}

/** A record's headers as kafkajs gives them (a repeated key's values in an array, in order), or null for none. */
function readHeaders(decoder: RecordSource): DecodedRecord['headers'] | null {
  const count = decoder.readVarInt();
  if (count === 0) return null;
  const headers: DecodedRecord['headers'] = {};
  for (let i = 0; i < count; i++) {
    const key = decoder.readVarIntString() as string;
    const value = decoder.readVarIntBytes();
    const held = headers[key];
    headers[key] = held === undefined ? value : Array.isArray(held) ? [...held, value] : [held, value];
  }
  return headers;
}

/** kafkajs's own record decoder, which takes what this one does not (and what tests compare with). */
export const kafkajsRecordDecoder = require(RECORD_DECODER) as Decode;

/** Records decoded here (not handed to kafkajs): how a self-check sees that this decoder is the one used. */
let decodedHere = 0;

function install(): boolean {
  const version = (require('kafkajs/package.json') as { version: string }).version;
  // Too late once the batch decoder holds kafkajs's record decoder; and another version may differ.
  if (version !== KAFKAJS_VERSION || require.cache[require.resolve(BATCH_DECODER)]) return false;
  const fast = recordDecoder(kafkajsRecordDecoder);
  require.cache[require.resolve(RECORD_DECODER)]!.exports = ((decoder, context) => {
    decodedHere++;
    return fast(decoder, context);
  }) satisfies Decode;
  return true;
}

install();

/**
 * Whether kafkajs decodes fetched records with this module's decoder: one record batch, encoded by
 * kafkajs, goes through its batch decoder, and this decoder must have taken its record.
 */
export async function fastRecordDecoding(): Promise<boolean> {
  const { RecordBatch: encodeBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
    RecordBatch: (batch: object) => Promise<{ buffer: Buffer }>;
  };
  const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (record: object) => unknown;
  const Decoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => unknown;
  const decodeBatch = require(BATCH_DECODER) as (decoder: unknown) => Promise<{ records: DecodedRecord[] }>;
  const encoded = await encodeBatch({ records: [encodeRecord({ key: Buffer.from('k'), value: Buffer.from('v') })] });
  const before = decodedHere;
  const { records } = await decodeBatch(new Decoder(encoded.buffer));
  return decodedHere === before + 1 && records[0]?.value?.toString() === 'v';
}
