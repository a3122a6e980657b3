import { describe, expect, it } from 'vitest';
import { mapAdt } from '../../shared/adapters/hl7-adt.ts';
import { buildAck } from '../../shared/hl7/ack.ts';
import { fieldValue, parseMessage, segment, type Hl7Message } from '../../shared/hl7/message.ts';
import { MllpDecoder, frame } from '../../shared/hl7/mllp.ts';
import { readAck, splitMessages } from '../../shared/hl7/sender.ts';
import { parseTimestamp } from '../../shared/hl7/timestamp.ts';
import { adtMessage, mbiIdentifier, visit } from '../support/hl7-builder.ts';

const MBI = '1EG4TE5MK73';
const parse = (text: string): Hl7Message => {
  const r = parseMessage(text);
  if (!r.ok) throw new Error(r.reason);
  return r.message;
};
const admit = (over: Partial<Parameters<typeof adtMessage>[0]> = {}) =>
  adtMessage({
    event: 'A01',
    controlId: 'C1',
    identifiers: ['MRN445566^^^GENHOSP^MR', mbiIdentifier(MBI), '999887777^^^SSA^SS'],
    pv1: visit({ encounterId: 'V7001', admittedAt: '20260301093000' }),
    ...over,
  });

describe("HL7 v2 parsing (contract 5.1: the message's own separators and escapes)", () => {
  it('reads fields, components and subcomponents with the standard separators', () => {
    const m = parse(admit());
    expect(fieldValue(m, segment(m, 'MSH'), 9, 2)).toBe('A01');
    expect(fieldValue(m, segment(m, 'MSH'), 4, 2)).toBe('2.16.840.1.113883.3.72');
    expect(fieldValue(m, segment(m, 'PV1'), 19)).toBe('V7001');
  });

  it('decodes \\F\\ \\S\\ \\T\\ \\R\\ \\E\\ and hex escapes in leaf values only', () => {
    const m = parse(admit({ name: 'O\\T\\Brien\\F\\X\\S\\Y\\R\\Z\\E\\W\\X41\\^MARY' }));
    expect(fieldValue(m, segment(m, 'PID'), 5)).toBe('O&Brien|X^Y~Z\\WA');
    expect(fieldValue(m, segment(m, 'PID'), 5, 2)).toBe('MARY');
  });

  it('takes custom separators from MSH-1 and MSH-2, escapes included', () => {
    const separators = { field: '#', component: '$', repetition: '*', escape: '@', subcomponent: '%' };
    const text = admit({ separators, name: 'O\\T\\Brien\\S\\JR^ANN' });
    expect(text.startsWith('MSH#$*@%#')).toBe(true);
    const m = parse(text);
    expect(fieldValue(m, segment(m, 'PID'), 5)).toBe('O%Brien$JR');
    const mapped = mapAdt(m);
    expect(mapped.kind === 'records' && mapped.records[0]!.value).toMatchObject({ mbi: MBI, encounterId: 'V7001' });
  });

  it('accepts segments ended by LF or CR LF (hand-edited files), and refuses what is not HL7', () => {
    expect(parseMessage(admit({ newline: '\n' })).ok).toBe(true);
    expect(parseMessage(admit({ newline: '\r\n' })).ok).toBe(true);
    expect(parseMessage('hello')).toMatchObject({ ok: false });
    expect(parseMessage('MSH|^~\\&|A\rPID|1\rnot a segment')).toMatchObject({ ok: false });
    expect(parseMessage(`${admit()}${admit()}`)).toMatchObject({ ok: false, reason: expect.stringMatching(/batch/) });
  });
});

describe('HL7 timestamps', () => {
  it('keeps the date as written and gives the instant in UTC', () => {
    expect(parseTimestamp('20260301233000-0500')).toEqual({ date: '2026-03-01', instant: '2026-03-02T04:30:00.000Z' });
    expect(parseTimestamp('20260301233000')).toEqual({ date: '2026-03-01', instant: '2026-03-01T23:30:00.000Z' });
    expect(parseTimestamp('20260301')).toEqual({ date: '2026-03-01', instant: '2026-03-01T00:00:00.000Z' });
    expect(parseTimestamp('20260301120000.1234+0100')?.instant).toBe('2026-03-01T11:00:00.123Z');
  });
  it('refuses dates that do not exist and partial dates', () => {
    for (const bad of ['20260231', '2026030', '202603', '2026030X', '20261301', '20260301250000', ''])
      expect(parseTimestamp(bad), bad).toBeNull();
  });
});

describe('ADT mapping (contract 5.1)', () => {
  const records = (text: string) => {
    const r = mapAdt(parse(text));
    if (r.kind !== 'records') throw new Error(`expected records, got ${JSON.stringify(r)}`);
    return r.records;
  };

  it('A01: an admissions record with the MC identifier among several, the facility from PV1-3, the principal diagnosis and EVN-2', () => {
    const [rec] = records(
      admit({
        recordedAt: '20260301093000-0600',
        diagnoses: [
          { code: 'E11.9', priority: '2' },
          { code: 'I50.9', priority: '1' },
        ],
        pv1: visit({ encounterId: 'V7001', facility: 'NORTHCAMPUS&1.2.3&ISO', admitType: 'C', admittedAt: '20260301' }),
      }),
    );
    expect(rec).toEqual({
      topic: 'admissions',
      value: {
        encounterId: 'V7001',
        mbi: MBI,
        facilityId: 'NORTHCAMPUS',
        principalDiagnosis: 'I50.9',
        eventTime: '2026-03-01T15:30:00.000Z',
        admitDate: '2026-03-01',
        encounterClass: 'INPATIENT',
        admitType: 'ELECTIVE',
        plannedProcedure: null,
        cancelled: false,
      },
    });
  });

  it('finds the MBI by assigning authority CMS when the type code is not MC, and falls back to MSH-4 for the facility', () => {
    const text = admit({
      identifiers: ['X1^^^GENHOSP^MR', `${MBI}^^^CMS^PT`],
      pv1: { 2: 'O', 19: 'V1', 44: '20260301' },
    });
    const [rec] = records(text);
    expect(rec!.value).toMatchObject({
      mbi: MBI,
      facilityId: 'GENHOSP',
      encounterClass: 'OBSERVATION',
      admitType: 'URGENT',
      eventTime: '2026-03-01T09:35:12.000Z',
    });
  });

  it('maps PV1-4 admit types', () => {
    const typeOf = (code: string) =>
      records(admit({ pv1: visit({ encounterId: 'V1', admitType: code, admittedAt: '20260301' }) }))[0]!.value
        .admitType;
    expect(['E', 'A', 'U', 'C', 'R', 'N', ''].map(typeOf)).toEqual([
      'EMERGENCY',
      'EMERGENCY',
      'URGENT',
      'ELECTIVE',
      'ELECTIVE',
      'URGENT',
      'URGENT',
    ]);
  });

  it('A04, A06 and A07 publish admissions; A03 a discharge with disposition and DRG; A08 both when discharged', () => {
    for (const event of ['A04', 'A06', 'A07'])
      expect(records(admit({ event })).map((r) => r.topic)).toEqual(['admissions']);
    const discharged = visit({
      encounterId: 'V1',
      admittedAt: '20260301',
      dischargedAt: '202603061400-0500',
      disposition: '06',
    });
    const [dis] = records(admit({ event: 'A03', pv1: discharged, drg: '470' }));
    expect(dis!.value).toMatchObject({
      dischargeDate: '2026-03-06',
      admitDate: '2026-03-01',
      disposition: '06',
      drg: '470',
      cancelled: false,
    });
    expect(records(admit({ event: 'A08', pv1: discharged })).map((r) => r.topic)).toEqual(['admissions', 'discharges']);
    expect(records(admit({ event: 'A08' })).map((r) => r.topic)).toEqual(['admissions']);
  });

  it('A11 and A13 publish cancels that need only the visit, the MBI and the facility', () => {
    const bare = { 2: '', 19: 'V1' };
    const [a11] = records(admit({ event: 'A11', pv1: bare }));
    expect(a11!.value).toMatchObject({
      encounterId: 'V1',
      mbi: MBI,
      facilityId: 'GENHOSP',
      cancelled: true,
      admitDate: null,
      admitType: null,
    });
    const [a13] = records(admit({ event: 'A13', pv1: bare }));
    expect(a13).toMatchObject({
      topic: 'discharges',
      value: { cancelled: true, dischargeDate: null, disposition: null },
    });
  });

  it('ignores other ADT events and classes other than I, O and E', () => {
    expect(mapAdt(parse(admit({ event: 'A02' })))).toMatchObject({ kind: 'ignored' });
    expect(mapAdt(parse(admit({ event: 'A28' })))).toMatchObject({ kind: 'ignored' });
    expect(
      mapAdt(parse(admit({ pv1: visit({ encounterId: 'V1', patientClass: 'P', admittedAt: '20260301' }) }))),
    ).toMatchObject({ kind: 'ignored' });
  });

  it('AE naming the field: no MBI, no visit number, a malformed date (cancels included), no admit date', () => {
    const errorOf = (text: string) => {
      const r = mapAdt(parse(text));
      if (r.kind !== 'error') throw new Error(`expected an error, got ${r.kind}`);
      return `${r.error.segment}-${r.error.field} ${r.error.condition}`;
    };
    expect(errorOf(admit({ identifiers: ['X1^^^GENHOSP^MR'] }))).toBe('PID-3 101');
    expect(errorOf(admit({ pv1: { 2: 'I', 44: '20260301' } }))).toBe('PV1-19 101');
    expect(errorOf(admit({ pv1: visit({ encounterId: 'V1', admittedAt: '2026-03-01' }) }))).toBe('PV1-44 102');
    expect(errorOf(admit({ event: 'A11', pv1: visit({ encounterId: 'V1', admittedAt: '20260231' }) }))).toBe(
      'PV1-44 102',
    );
    expect(errorOf(admit({ pv1: visit({ encounterId: 'V1' }) }))).toBe('PV1-44 101');
    expect(errorOf(admit({ recordedAt: 'yesterday' }))).toBe('EVN-2 102');
  });

  it('AR for a message that is not ADT', () => {
    expect(mapAdt(parse(admit({ messageType: 'ORU', event: 'R01' })))).toMatchObject({
      kind: 'rejected',
      error: { condition: 200 },
    });
  });
});

describe('acknowledgements', () => {
  it('AA: sender and receiver swapped, ACK^event^ACK, a new control id, the version, MSA-2 the control id exactly, CR only', () => {
    const m = parse(admit({ version: '2.8', controlId: 'ABC-123' }));
    const ack = buildAck({
      message: m,
      controlId: 'ABC-123',
      code: 'AA',
      ackControlId: 'K1',
      at: new Date('2026-03-01T12:00:00Z'),
    });
    expect(ack).toBe(
      'MSH|^~\\&|VBC|VBC-ACO|EPIC|GENHOSP^2.16.840.1.113883.3.72^ISO|20260301120000+0000||ACK^A01^ACK|K1|P|2.8\rMSA|AA|ABC-123\r',
    );
    expect(/^[\x20-\x7e\r]*$/.test(ack)).toBe(true);
  });

  it('AE from v2.5 carries ERR-2/3/4/8; before v2.5 ERR-1 and MSA-3; an unknown version answers as 2.5', () => {
    const error = { segment: 'PV1', field: 44, condition: 102 as const, text: "PV1-44 'x|y' is bad" };
    const at = new Date(0);
    const v25 = buildAck({ message: parse(admit()), controlId: 'C1', code: 'AE', error, ackControlId: 'K', at });
    expect(v25.split('\r')[2]).toBe("ERR||PV1^1^44|102^Data type error^HL70357|E||||PV1-44 'x\\F\\y' is bad");
    const v23 = buildAck({
      message: parse(admit({ version: '2.3' })),
      controlId: 'C1',
      code: 'AE',
      error,
      ackControlId: 'K',
      at,
    });
    expect(v23.split('\r').slice(1, 3)).toEqual([
      "MSA|AE|C1|PV1-44 'x\\F\\y' is bad",
      'ERR|PV1^1^44^102&Data type error&HL70357',
    ]);
    const v9 = buildAck({
      message: parse(admit({ version: '9.9' })),
      controlId: 'C1',
      code: 'AA',
      ackControlId: 'K',
      at,
    });
    expect(v9.split('\r')[0]!.endsWith('|2.5')).toBe(true);
  });

  it("uses the message's own separators, and reads back with our sender", () => {
    const separators = { field: '#', component: '$', repetition: '*', escape: '@', subcomponent: '%' };
    const m = parse(admit({ separators }));
    const ack = buildAck({
      message: m,
      controlId: 'C1',
      code: 'AR',
      error: { condition: 200, text: 'no' },
      ackControlId: 'K',
      at: new Date(0),
    });
    expect(ack.startsWith('MSH#$*@%#')).toBe(true);
    expect(readAck(ack)).toEqual({ code: 'AR', controlId: 'C1', text: 'no' });
  });
});

describe('MLLP framing', () => {
  it('frames with 0x0B ... 0x1C 0x0D and reads frames split across chunks, skipping stray bytes', () => {
    const wire = Buffer.concat([Buffer.from('\n'), frame('MSH|one'), frame('MSH|two')]);
    const d = new MllpDecoder(1024);
    const frames = [...wire].flatMap((b) => d.push(Buffer.from([b])));
    expect(frames.map((f) => f.body.toString())).toEqual(['MSH|one', 'MSH|two']);
    expect(d.strayBytes).toBe(1);
  });

  it('keeps only the head of a frame larger than allowed, and reports its size', () => {
    const d = new MllpDecoder(100, 10);
    const [big, next] = d.push(Buffer.concat([frame('MSH|'.padEnd(500, 'x')), frame('MSH|ok')]));
    expect(big).toMatchObject({ oversized: true, size: 500 });
    expect(big!.body.toString()).toBe('MSH|xxxxxx');
    expect(next).toMatchObject({ oversized: false });
  });

  it('splits a file into messages at each MSH', () => {
    const file = `${admit({ newline: '\n' })}\n${admit({ controlId: 'C2', newline: '\r\n' })}`;
    expect(splitMessages(file).map((m) => fieldValue(parse(m), segment(parse(m), 'MSH'), 10))).toEqual(['C1', 'C2']);
  });
});
