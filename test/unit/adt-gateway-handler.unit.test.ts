import { describe, expect, it } from 'vitest';
import type { CheckedRecord } from '../../shared/adapters/input-record.ts';
import { readAck } from '../../shared/hl7/sender.ts';
import type { Frame } from '../../shared/hl7/mllp.ts';
import { memoryAckLedger } from '../../services/adt-gateway/ack-ledger.ts';
import { handleFrames, type HandlerDeps, type Outgoing } from '../../services/adt-gateway/handle-messages.ts';
import { adtMessage, mbiIdentifier, visit } from '../support/hl7-builder.ts';

const framed = (text: string): Frame => ({ body: Buffer.from(text), oversized: false });
const message = (controlId: string, over: Partial<Parameters<typeof adtMessage>[0]> = {}) =>
  adtMessage({
    event: 'A01',
    controlId,
    identifiers: [mbiIdentifier('1EG4TE5MK73')],
    pv1: visit({ encounterId: `V-${controlId}`, admittedAt: '20260301' }),
    ...over,
  });

function deps(over: Partial<HandlerDeps> = {}) {
  const published: Outgoing[] = [];
  const ledger = memoryAckLedger();
  const d: HandlerDeps = {
    ledger,
    publish: async (m) => {
      published.push(...m);
    },
    check: (topic, value): CheckedRecord => ({ ok: true, lineNo: 0, topic, key: String(value.mbi), record: value }),
    encode: (_t, record) => Buffer.from(JSON.stringify(record)),
    physicalTopic: (t) => `p.${t}`,
    deadLetterTopic: 'p.adt-hl7.dlq',
    allowedFacilities: null,
    maxMessageBytes: 1 << 20,
    nextAckControlId: () => 'K',
    now: () => new Date(0),
    ...over,
  };
  return { d, published, ledger };
}

describe('the gateway answers each message once, and only after its records are published', () => {
  it('AA after publishing; a retransmission (same MSH-10 and MSH-4) gets AA again and publishes nothing', async () => {
    const { d, published } = deps();
    const first = await handleFrames([framed(message('C1'))], d);
    expect(first.map((o) => [o.code, o.published])).toEqual([['AA', 1]]);
    expect(published.map((p) => [p.topic, p.key, p.headers['hl7-control-id']])).toEqual([
      ['p.admissions', '1EG4TE5MK73', 'C1'],
    ]);
    const again = await handleFrames([framed(message('C1')), framed(message('C1'))], d);
    expect(again.map((o) => [o.code, o.repeated, o.published])).toEqual([
      ['AA', true, 0],
      ['AA', true, 0],
    ]);
    expect(published).toHaveLength(1);
  });

  it('the same control id from another sending facility is another message', async () => {
    const { d, published } = deps();
    await handleFrames([framed(message('C1')), framed(message('C1', { sendingFacility: 'OTHERHOSP' }))], d);
    expect(published).toHaveLength(2);
  });

  it('a copy later in the same batch is a retransmission of the first', async () => {
    const { d, published } = deps();
    const out = await handleFrames([framed(message('C1')), framed(message('C2')), framed(message('C1'))], d);
    expect(out.map((o) => [o.controlId, o.repeated])).toEqual([
      ['C1', false],
      ['C2', false],
      ['C1', true],
    ]);
    expect(published).toHaveLength(2);
  });

  it('AE and AR are dead-lettered once, with the raw message, the reason and the sender; their retransmission gets the same code', async () => {
    const { d, published } = deps();
    const bad = message('C9', { identifiers: ['X^^^H^MR'] });
    const out = await handleFrames(
      [framed(bad), framed('garbage'), framed(message('C8', { messageType: 'ORU', event: 'R01' }))],
      d,
    );
    expect(out.map((o) => o.code)).toEqual(['AE', 'AR', 'AR']);
    expect(published.map((p) => [p.topic, p.headers['vbc-error-code'], p.headers['vbc-hl7-control-id']])).toEqual([
      ['p.adt-hl7.dlq', 'HL7_UNMAPPABLE', 'C9'],
      ['p.adt-hl7.dlq', 'HL7_REJECTED', ''],
      ['p.adt-hl7.dlq', 'HL7_REJECTED', 'C8'],
    ]);
    expect(published[0]!.value.toString()).toBe(bad);
    expect(published[0]!.headers['vbc-reason']).toMatch(/PID-3/);
    const again = await handleFrames([framed(bad)], d);
    expect(again.map((o) => [o.code, o.repeated])).toEqual([['AE', true]]);
    expect(published).toHaveLength(3);
    expect(readAck(again[0]!.ack)).toMatchObject({ code: 'AE', controlId: 'C9' });
  });

  it('a record the contract rules refuse is AE naming the HL7 field', async () => {
    const { d } = deps({
      check: (topic) => ({
        ok: false,
        lineNo: 0,
        topic,
        reason: "disposition '99' is not a known NUBC discharge status code",
        raw: '',
      }),
    });
    const [o] = await handleFrames([framed(message('C1'))], d);
    expect(o).toMatchObject({ code: 'AE', error: { segment: 'PV1', field: 36 } });
  });

  it('refuses senders not on the allow-list, messages over the size limit and messages without MSH-10 (AR)', async () => {
    const { d } = deps({ allowedFacilities: new Set(['NORTHHOSP']) });
    const [notAllowed] = await handleFrames([framed(message('C1'))], d);
    expect(notAllowed).toMatchObject({ code: 'AR', error: { segment: 'MSH', field: 4 } });
    const { d: d2 } = deps();
    const [big] = await handleFrames([{ body: Buffer.from(message('C2')), oversized: true, size: 5_000_000 }], d2);
    expect(big).toMatchObject({ code: 'AR', controlId: 'C2' });
    const [noId] = await handleFrames([framed(message(''))], d2);
    expect(noId).toMatchObject({ code: 'AR', error: { field: 10 } });
  });

  it('when publishing fails, nothing is acknowledged and nothing remembered: the retransmission publishes', async () => {
    let down = true;
    const { d, published, ledger } = deps();
    const flaky: HandlerDeps = {
      ...d,
      publish: async (m) => {
        if (down) throw new Error('broker away');
        published.push(...m);
      },
    };
    await expect(handleFrames([framed(message('C1'))], flaky)).rejects.toThrow('broker away');
    expect(ledger.size()).toBe(0);
    down = false;
    const [o] = await handleFrames([framed(message('C1'))], flaky);
    expect(o).toMatchObject({ code: 'AA', repeated: false, published: 1 });
  });
});
