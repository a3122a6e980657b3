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
