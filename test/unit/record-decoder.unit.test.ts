import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
// Through the module every Kafka client is made with: it puts the decoder in place before kafkajs loads.
import '../../shared/kafka/client.ts';
import {
  fastRecordDecoding,
  kafkajsRecordDecoder,
  recordDecoder,
  type DecodedRecord,
  type RecordContext,
  type RecordSource,
} from '../../shared/kafka/record-decoder.ts';
import { Seeded } from '../../shared/random/seeded.ts';
import { type FetchedRecord, keyText, valuePlace } from '../../shared/kafka/fetched-record.ts';

const require = createRequire(import.meta.url);
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => RecordSource;
const Long = require('kafkajs/src/utils/long.js') as { fromValue(value: bigint): unknown };
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (record: object) => {
  buffer: Buffer;
};

interface Sample {
  timestampDelta: bigint;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[]>;
}

/** One record as kafkajs's producer writes it, without the length that the batch decoder reads. */
function encoded(sample: Sample): Buffer {
  const { buffer } = encodeRecord({ ...sample, timestampDelta: Long.fromValue(sample.timestampDelta) });
  return new Decoder(buffer).readVarIntBytes()!;
}

function context(over: Partial<RecordContext> = {}): RecordContext {
  return {
    firstOffset: '1234567',
    firstTimestamp: '1790000000000',
    magicByte: 2,
    isControlBatch: false,
    timestampType: 0,
    maxTimestamp: '1790000009999',
    ...over,
  };
}

/** A record as what a reader of it sees: every field kafkajs gives, read by name. */
function seen(record: DecodedRecord) {
  const { magicByte, attributes, timestamp, offset, key, value, headers, isControlRecord, batchContext } = record;
  return { magicByte, attributes, timestamp, offset, key, value, headers, isControlRecord, batchContext };
}

/** Both decoders over the same bytes: the records as read and where each left its decoder. */
function both(bytes: Buffer, ctx: RecordContext) {
  const fast = recordDecoder(kafkajsRecordDecoder);
  const mine = new Decoder(bytes);
  const theirs = new Decoder(bytes);
  const record = fast(mine, ctx);
  return {
    record,
    fast: seen(record),
    kafkajs: seen(kafkajsRecordDecoder(theirs, ctx)),
    ends: [mine.offset, theirs.offset],
  };
}

const DELTAS = [0n, 1n, -1n, 63n, -64n, 64n, 8_191n, -8_192n, 1_000_000n, -86_400_000n, 2n ** 48n - 1n, -(2n ** 48n)];

describe('record decoder (in place of kafkajs 2.2.4 own)', () => {
  it('decodes every record as kafkajs does: timestamps, offsets, keys, values and headers', () => {
    const random = new Seeded(23);
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => random.int(0, 255)));
    for (let i = 0; i < 2_000; i++) {
      const headers: Sample['headers'] = {};
      const count = random.int(0, 3);
      for (let h = 0; h < count; h++) {
        const key = random.pick(['a', 'b', 'vbc-source']);
        const value = bytes(random.int(0, 8));
        const held = headers[key];
        headers[key] = held === undefined ? value : Array.isArray(held) ? [...held, value] : [held, value];
      }
      const sample: Sample = {
        timestampDelta: random.chance(0.5) ? random.pick(DELTAS) : BigInt(random.int(-5_000_000, 5_000_000)),
        offsetDelta: random.int(0, 100_000),
        key: random.chance(0.1) ? null : bytes(random.int(0, 20)),
        value: random.chance(0.05) ? null : bytes(random.int(0, 300)),
        headers,
      };
      const { record, fast, kafkajs, ends } = both(encoded(sample), context());
      expect(fast).toEqual(kafkajs);
      expect(ends[0]).toBe(ends[1]);
      // The key as work units group by it, read without a view.
      expect(keyText(record)).toBe(kafkajs.key?.toString('latin1') ?? '');
      expect(keyText(kafkajs)).toBe(keyText(record));
    }
  });

  it('hands kafkajs what doubles cannot hold exactly, and decodes it as kafkajs does', () => {
    const cases: [bigint, Partial<RecordContext>][] = [
      [2n ** 60n, {}],
      [-(2n ** 62n), {}],
      [5n, { firstOffset: '9223372036854775000' }],
      [5n, { firstTimestamp: '9007199254740991' }],
    ];
    for (const [timestampDelta, over] of cases) {
      const sample: Sample = { timestampDelta, offsetDelta: 7, key: null, value: Buffer.from('v'), headers: {} };
      const { fast, kafkajs, ends } = both(encoded(sample), context(over));
      expect(fast).toEqual(kafkajs);
      expect(ends[0]).toBe(ends[1]);
    }
  });

  it('gives the batch maximum timestamp when the broker set the time (LOG_APPEND_TIME)', () => {
    const sample: Sample = { timestampDelta: 12n, offsetDelta: 1, key: null, value: null, headers: {} };
    const { fast, kafkajs } = both(encoded(sample), context({ timestampType: 1 }));
    expect(fast.timestamp).toBe('1790000009999');
    expect(fast).toEqual(kafkajs);
  });

  it('keeps no view of the fetched bytes of its own: key and value are made from them when read', () => {
    const sample: Sample = {
      timestampDelta: 3n,
      offsetDelta: 2,
      key: Buffer.from('MBI123'),
      value: Buffer.from('claim'),
      headers: {},
    };
    const bytes = encoded(sample);
    const { record } = both(bytes, context());
    // What a fetch's held records cost: small numbers, not a Buffer, a header object and an offset
    // and a timestamp string each. (The fetched bytes and what kafkajs told of the batch are shared by
    // every record of the batch, `batch`.)
    const fetched = record as FetchedRecord;
    const own = Object.values(record).filter(
      (v) => ArrayBuffer.isView(v) || typeof v === 'string' || v?.constructor === Object,
    );
    expect(own).toEqual([]);
    expect(Object.values(record).filter((v) => typeof v === 'object' && v !== null)).toEqual([fetched.batch]);
    expect(fetched.batch.context).toBe(record.batchContext);
    expect([record.offset, record.timestamp]).toEqual(['1234569', '1790000000003']);
    expect(fetched.source.buffer).toBe(bytes.buffer);
    expect(record.value).toEqual(Buffer.from('claim'));
    expect(record.value).not.toBe(record.value);
    // Views of the fetched bytes, as kafkajs's slices were: no copy.
    expect(record.key!.buffer).toBe(bytes.buffer);
    expect(record.headers).toEqual({});
  });

  it("shares one batch part among a record batch's records, and gives each its own offset and timestamp", () => {
    const samples: Sample[] = [0, 1, 2].map((i) => ({
      timestampDelta: BigInt(i * 1000),
      offsetDelta: i,
      key: Buffer.from(`K${i}`),
      value: Buffer.from(`V${i}`),
      headers: {},
    }));
    const bytes = Buffer.concat(samples.map(encoded));
    const fast = recordDecoder(kafkajsRecordDecoder);
    const decoder = new Decoder(bytes);
    const first = context();
    const [a, b] = [fast(decoder, first), fast(decoder, first)] as FetchedRecord[];
    const c = fast(decoder, context({ firstOffset: '99' })) as FetchedRecord;
    expect(a!.batch).toBe(b!.batch);
    expect(c.batch).not.toBe(a!.batch);
    expect([a, b, c].map((r) => [r!.offset, r!.timestamp, r!.key!.toString(), r!.value!.toString()])).toEqual([
      ['1234567', '1790000000000', 'K0', 'V0'],
      ['1234568', '1790000001000', 'K1', 'V1'],
      ['101', '1790000002000', 'K2', 'V2'],
    ]);
  });

  it("says where a message's value is: a fetched record's place in the fetched bytes, or all of another's Buffer", () => {
    const sample: Sample = { timestampDelta: 1n, offsetDelta: 0, key: null, value: Buffer.from('claim'), headers: {} };
    const { record, kafkajs } = both(encoded(sample), context());
    const read = (p: ReturnType<typeof valuePlace>) =>
      p.valueLength < 0 ? null : p.source.subarray(p.valueAt, p.valueAt + p.valueLength).toString();
    expect(valuePlace(record)).toBe(record);
    expect(read(valuePlace(record))).toBe('claim');
    expect(read(valuePlace(kafkajs))).toBe('claim');
    expect(valuePlace({ value: null }).valueLength).toBe(-1);
  });

  it('is the decoder kafkajs uses for fetched record batches', async () => {
    expect(await fastRecordDecoding()).toBe(true);
  });
});
