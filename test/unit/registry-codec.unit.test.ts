import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { AvroCodec } from '../../shared/registry/codec.ts';

/** A record in the Confluent wire format with this schema id (the Avro body does not matter here). */
const wire = (id: number) => Buffer.concat([Buffer.from([0]), Buffer.from([0, 0, 0, id]), Buffer.from([2, 65])]);

describe('schema registry outages: a batch waits, it is not dead-lettered', () => {
  it('a registry that cannot be reached fails the batch with one retriable line', async () => {
    const codec = new AvroCodec('http://127.0.0.1:1');
    await expect(codec.prepare([wire(7)])).rejects.toMatchObject({
      code: 'REGISTRY_UNREACHABLE',
      retriable: true,
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('a record that is not in the wire format is reported per record, with no registry call', async () => {
    const codec = new AvroCodec('http://127.0.0.1:1');
    await codec.prepare([Buffer.from('{"json": true}')]);
    expect(() => codec.decode(Buffer.from('{"json": true}'))).toThrow(
      expect.objectContaining({ code: 'RECORD_UNDECODABLE' }),
    );
  });
});

describe('decoding a value where it is in the fetched bytes (decodeAt)', () => {
  const schema = JSON.parse(readFileSync(new URL('../../schemas/claims.avsc', import.meta.url), 'utf8'));
  const type = avro.Type.forSchema(schema);
  const codec = new AvroCodec('http://127.0.0.1:1');
  // As the registry client would have loaded it for id 9.
  (codec as unknown as { typesById: Map<number, unknown> }).typesById.set(9, type);
  const claim = (i: number) => ({
    claimId: `C${i}`,
    claimControlNumber: `CCN${i}`,
    adjustmentType: 'ORIGINAL',
    mbi: `1EG4TE5MK${i % 10}${i % 7}`,
    claimType: 'INPATIENT',
    fromDate: '2026-03-01',
    thruDate: `2026-03-0${1 + (i % 9)}`,
    admissionDate: i % 2 ? '2026-03-01' : null,
    dischargeDate: null,
    drg: i % 3 ? '470' : null,
    principalDiagnosis: null,
    facilityId: 'F1',
    billingProviderNpi: null,
    paidAmountCents: 1000 * i + 7,
    imeAmountCents: i % 2 ? 55 : null,
    dshAmountCents: null,
    nonPaymentReasonCode: null,
    effectiveDate: null,
    hcpcsCodes: i % 4 ? null : ['99495', 'G9001'],
  });
  const wireOf = (body: Buffer, id = 9) => Buffer.concat([Buffer.from([0, 0, 0, 0, id]), body]);
  /** Values laid one after another in one buffer, as records are in a fetch: their starts and lengths. */
  const laidOut = (values: Buffer[]) => {
    const spans: [number, number][] = [];
    let at = 3;
    for (const v of values) {
      spans.push([at, v.length]);
      at += v.length + 2;
    }
    const bytes = Buffer.alloc(at + 3, 0xee);
    values.forEach((v, i) => {
      v.copy(bytes, spans[i]![0]);
    });
    return { bytes, spans };
  };
  /** What decode says of a value: its value, or its error's code and message. */
  const verdict = (f: () => unknown) => {
    try {
      return { value: f() };
    } catch (error) {
      const { code, message } = error as { code: string; message: string };
      return { code, message };
    }
  };

  it('gives what decode gives for each value of a fetch', () => {
    const values = Array.from({ length: 50 }, (_, i) => wireOf(type.toBuffer(claim(i))));
    const { bytes, spans } = laidOut(values);
    spans.forEach(([start, length], i) => {
      expect(codec.decodeAt(bytes, start, length)).toEqual(codec.decode(values[i]!));
      expect(codec.decodeAt(bytes, start, length)).toEqual(claim(i));
    });
  });

  it('gives decode verdict for a value that is truncated, too long, not in the wire format, of an unknown schema or null', () => {
    const good = type.toBuffer(claim(3));
    const bad = [
      wireOf(good.subarray(0, good.length - 1)),
      wireOf(Buffer.concat([good, Buffer.from([2])])),
      Buffer.concat([Buffer.from([1, 0, 0, 0, 9]), good]),
      wireOf(good, 8),
      Buffer.from([0, 0, 0]),
    ];
    const { bytes, spans } = laidOut(bad);
    spans.forEach(([start, length], i) => {
      const expected = verdict(() => codec.decode(bad[i]!));
      expect(expected.code).toMatch(/RECORD_UNDECODABLE|SCHEMA_UNKNOWN/);
      expect(verdict(() => codec.decodeAt(bytes, start, length))).toEqual(expected);
    });
    expect(verdict(() => codec.decodeAt(bytes, 0, -1))).toEqual(verdict(() => codec.decode(null)));
  });
});
