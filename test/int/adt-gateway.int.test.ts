import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdtGateway, type RunningGateway } from '../../services/adt-gateway/service.ts';
import { waitForCatchUp } from '../../services/cli/catch-up.ts';
import { exportState } from '../../services/cli/state-export.ts';
import { SERVICES } from '../../services/registry.ts';
import { loadConfig } from '../../shared/config/config.ts';
import { sendMessages, type Acknowledged } from '../../shared/hl7/sender.ts';
import { header, readTopic, type TopicRecord } from '../../shared/kafka/read-topic.ts';
import { startService, type RunningService } from '../../shared/service/consumer-service.ts';
import { openContext, type Context } from '../../shared/service/context.ts';
import { adtMessage, mbiIdentifier, visit, type AdtMessageSpec } from '../support/hl7-builder.ts';
import { isolatedEnv } from '../support/isolated.ts';

/**
 * The HL7 ADT gateway against the real Kafka, registry and Redis, with the consumer services
 * running: realistic messages in (v2.3, v2.5, v2.8, several PID-3 identifiers, custom separators,
 * escapes, timestamps with and without offsets), ACKs and records out, and what the care managers
 * then see: a TCM follow-up, a readmission alert withdrawn by an A11, a TEAM episode from a DRG.
 */
const config = loadConfig({ ...process.env, ...isolatedEnv('hl7'), VBC_MLLP_PORT: '0' });
let ctx: Context;
let gateway: RunningGateway;
const services: RunningService[] = [];

const send = async (messages: string[], window = 1): Promise<Acknowledged[]> => {
  const acks: Acknowledged[] = [];
  await sendMessages(messages, { host: '127.0.0.1', port: gateway.listener.port, window }, (a) => acks.push(a));
  return acks;
};
const codes = (acks: Acknowledged[]) => acks.map((a) => `${a.controlId}:${a.code}`);
const adtRecords = async (): Promise<(TopicRecord & { topic: string; decoded: Record<string, unknown> })[]> => {
  const out = [];
  for (const topic of ['admissions', 'discharges'] as const)
    for (const r of await readTopic(ctx.kafka, ctx.admin, ctx.topics.input(topic)))
      out.push({ ...r, topic, decoded: ctx.codec.decode(r.value) as Record<string, unknown> });
  return out;
};
const byControlId = async (id: string) => (await adtRecords()).filter((r) => header(r, 'hl7-control-id') === id);

const ids = (mbi: string) => ['MRN445566^^^GENHOSP^MR', mbiIdentifier(mbi), '999887777^^^SSA^SS'];
const msg = (controlId: string, mbi: string, spec: Partial<AdtMessageSpec>) =>
  adtMessage({ event: 'A01', controlId, identifiers: ids(mbi), ...spec });

describe('HL7 v2 ADT gateway over MLLP (contract 5.1, issue 20)', () => {
  beforeAll(async () => {
    ctx = await openContext('test-hl7', config);
    for (const spec of Object.values(SERVICES)) services.push(await startService(ctx, spec));
    gateway = await startAdtGateway(ctx);
  });
  afterAll(async () => {
    await gateway?.stop();
    await Promise.all(services.map((s) => s.stop()));
    await ctx?.close();
  });

  it('maps every taken event to its records, ignores the others, across versions, separators and escapes', async () => {
    const mbi = '1HL7EV00001';
    const discharged = {
      encounterId: 'EV-1',
      admittedAt: '20260301093000-0500',
      dischargedAt: '20260304',
      disposition: '01',
    };
    const custom = { field: '#', component: '$', repetition: '*', escape: '@', subcomponent: '%' };
    const acks = await send([
      msg('EV-A01', mbi, {
        version: '2.5',
        pv1: visit({ encounterId: 'EV-1', admittedAt: '20260301093000-0500' }),
        recordedAt: '20260301093500-0500',
        name: 'O\\T\\BRIEN\\S\\JR^MARY',
      }),
      msg('EV-A06', mbi, { event: 'A06', version: '2.8', pv1: visit({ encounterId: 'EV-1', admittedAt: '20260301' }) }),
      msg('EV-A07', mbi, {
        event: 'A07',
        version: '2.3',
        pv1: visit({ encounterId: 'EV-2', patientClass: 'O', admittedAt: '20260305' }),
      }),
      msg('EV-A04', mbi, {
        event: 'A04',
        separators: custom,
        pv1: visit({ encounterId: 'EV-3', patientClass: 'E', admittedAt: '20260306' }),
        name: 'SMITH@F@JONES$ANN',
      }),
      msg('EV-A08', mbi, { event: 'A08', pv1: visit(discharged) }),
      msg('EV-A03', mbi, { event: 'A03', pv1: visit(discharged), sentAt: '20260304120000' }),
      msg('EV-A13', mbi, { event: 'A13', pv1: { 2: 'I', 19: 'EV-2' } }),
      msg('EV-A11', mbi, { event: 'A11', pv1: { 19: 'EV-3' } }),
      msg('EV-A02', mbi, { event: 'A02', pv1: visit({ encounterId: 'EV-1', admittedAt: '20260301' }) }),
      msg('EV-A28', mbi, { event: 'A28' }),
    ]);
    expect(codes(acks)).toEqual(
      ['EV-A01', 'EV-A06', 'EV-A07', 'EV-A04', 'EV-A08', 'EV-A03', 'EV-A13', 'EV-A11', 'EV-A02', 'EV-A28'].map(
        (id) => `${id}:AA`,
      ),
    );
    const records = (await adtRecords()).filter((r) => r.decoded.mbi === mbi);
    const published = records.map((r) => `${header(r, 'hl7-control-id')}>${r.topic}`).sort();
    expect(published).toEqual(
      [
        'EV-A01>admissions',
        'EV-A03>discharges',
        'EV-A04>admissions',
        'EV-A06>admissions',
        'EV-A07>admissions',
        'EV-A08>admissions',
        'EV-A08>discharges',
        'EV-A11>admissions',
        'EV-A13>discharges',
      ].sort(),
    );
    const one = (id: string, topic: string) =>
      records.find((r) => header(r, 'hl7-control-id') === id && r.topic === topic)!.decoded;
    // The date as written (the hospital's day); the instant in UTC (EVN-2 first, then MSH-7).
    expect(one('EV-A01', 'admissions')).toMatchObject({
      admitDate: '2026-03-01',
      eventTime: '2026-03-01T14:35:00.000Z',
      encounterClass: 'INPATIENT',
      admitType: 'EMERGENCY',
    });
    expect(one('EV-A03', 'discharges')).toMatchObject({
      dischargeDate: '2026-03-04',
      eventTime: '2026-03-04T12:00:00.000Z',
      disposition: '01',
    });
    expect(one('EV-A07', 'admissions')).toMatchObject({ encounterClass: 'OBSERVATION' });
    expect(one('EV-A04', 'admissions')).toMatchObject({ encounterClass: 'EMERGENCY', mbi, facilityId: 'GENHOSP' });
    expect(one('EV-A11', 'admissions')).toMatchObject({ cancelled: true, encounterId: 'EV-3' });
    expect(one('EV-A13', 'discharges')).toMatchObject({ cancelled: true, encounterId: 'EV-2' });
    // Keyed by the beneficiary, so an encounter's records share a partition.
    expect(new Set(records.map((r) => r.key?.toString()))).toEqual(new Set([mbi]));
  });

  it('AE (unmappable) and AR (not ADT, not HL7) are dead-lettered with the reason and the sender; a retransmission gets the same code and publishes nothing', async () => {
    const mbi = '1HL7AC00001';
    const good = msg('AC-OK', mbi, { pv1: visit({ encounterId: 'AC-1', admittedAt: '20260310' }) });
    const noMbi = adtMessage({
      event: 'A01',
      controlId: 'AC-NOMBI',
      identifiers: ['X1^^^GENHOSP^MR'],
      pv1: visit({ encounterId: 'AC-2', admittedAt: '20260310' }),
    });
    const badDate = msg('AC-DATE', mbi, {
      event: 'A03',
      pv1: visit({ encounterId: 'AC-1', admittedAt: '20260310', dischargedAt: '20260231', disposition: '01' }),
    });
    const oru = msg('AC-ORU', mbi, { messageType: 'ORU', event: 'R01' });
    const acks = await send([good, noMbi, badDate, oru, 'MSH|not really']);
    expect(acks.map((a) => a.code)).toEqual(['AA', 'AE', 'AE', 'AR', 'AR']);
    expect(acks[2]!.text).toMatch(/PV1-45/);
    expect(acks[2]!.ack.split('\r')).toContainEqual(expect.stringMatching(/^ERR\|\|PV1\^1\^45\|102\^/));

    const before = (await adtRecords()).length;
    const again = await send([good, noMbi, oru]);
    expect(again.map((a) => a.code)).toEqual(['AA', 'AE', 'AR']);
    expect((await adtRecords()).length).toBe(before);
    expect(await byControlId('AC-OK')).toHaveLength(1);

    const dlq = await readTopic(ctx.kafka, ctx.admin, ctx.topics.adtHl7DeadLetter);
    const letters = dlq.map((m) => [
      header(m, 'vbc-hl7-control-id'),
      header(m, 'vbc-hl7-ack'),
      header(m, 'vbc-error-code'),
    ]);
    expect(letters).toEqual([
      ['AC-NOMBI', 'AE', 'HL7_UNMAPPABLE'],
      ['AC-DATE', 'AE', 'HL7_UNMAPPABLE'],
      ['AC-ORU', 'AR', 'HL7_REJECTED'],
      ['', 'AR', 'HL7_REJECTED'],
    ]);
    expect(dlq[0]!.value?.toString()).toBe(noMbi);
    expect(header(dlq[0]!, 'vbc-hl7-sending-facility')).toBe('GENHOSP^2.16.840.1.113883.3.72^ISO');
    expect(header(dlq[0]!, 'vbc-reason')).toMatch(/PID-3/);
  });

  it('a discharge home raises a TCM follow-up; a DRG segment anchors a TEAM episode; an A11 withdraws the readmission alert it raised', async () => {
    const mbi = '1HL7CM00001';
    const index = { encounterId: 'CM-1', admittedAt: '20260302', dischargedAt: '20260306', disposition: '01' };
    await send([
      msg('CM-1A', mbi, { pv1: visit(index) }),
      msg('CM-1D', mbi, {
        event: 'A03',
        pv1: visit(index),
        drg: '470',
        diagnoses: [{ code: 'M17.11', priority: '1' }],
      }),
      // 19 days after: a readmission (within 30 days), and past the TCM window (14), which stays open.
      msg('CM-2A', mbi, { pv1: visit({ encounterId: 'CM-2', admittedAt: '20260325', admitType: 'E' }) }),
    ]);
    await waitForCatchUp(ctx, 60_000);
    const state = await exportState(ctx.stores);
    const mine = state.alerts.filter((a) => a.mbi === mbi);
    expect(mine.map((a) => [a.type, a.subjectId]).sort()).toEqual([
      ['READMISSION', 'CM-2'],
      ['TCM_FOLLOW_UP', 'CM-1'],
    ]);
    expect(mine.find((a) => a.type === 'TCM_FOLLOW_UP')).toMatchObject({
      contactDueDate: '2026-03-10',
      visitDueDate: '2026-03-20',
    });
    expect(state.episodes.filter((e) => e.mbi === mbi)).toEqual([
      expect.objectContaining({
        program: 'TEAM',
        category: 'LEJR',
        anchorAdmitDate: '2026-03-02',
        anchorDischargeDate: '2026-03-06',
        status: 'OPEN',
      }),
    ]);

    const [cancel] = await send([msg('CM-2X', mbi, { event: 'A11', pv1: { 19: 'CM-2' } })]);
    expect(cancel!.code).toBe('AA');
    await waitForCatchUp(ctx, 60_000);
    const after = (await exportState(ctx.stores)).alerts.filter((a) => a.mbi === mbi);
    expect(after.map((a) => a.type)).toEqual(['TCM_FOLLOW_UP']);
  });

  it('handles several connections at once, each in order', async () => {
    const batches = Array.from({ length: 4 }, (_, c) =>
      Array.from({ length: 25 }, (_, i) =>
        msg(`MC-${c}-${i}`, `1HL7MC0000${c}`, {
          event: 'A08',
          pv1: visit({ encounterId: `MC-${c}`, admittedAt: `202603${String(i + 1).padStart(2, '0')}` }),
        }),
      ),
    );
    const results = await Promise.all(batches.map((b, c) => send(b, c % 2 === 0 ? 1 : 10)));
    for (const [c, acks] of results.entries())
      expect(codes(acks)).toEqual(batches[c]!.map((_, i) => `MC-${c}-${i}:AA`));
    // In order: the last admission of each connection's encounter is the one in force.
    await waitForCatchUp(ctx, 60_000);
    const records = (await adtRecords()).filter((r) => String(r.decoded.encounterId).startsWith('MC-'));
    for (let c = 0; c < 4; c++) {
      const seq = records
        .filter((r) => r.decoded.encounterId === `MC-${c}`)
        .sort((a, b) => Number(a.offset) - Number(b.offset));
      expect(seq.map((r) => r.decoded.admitDate)).toEqual(
        batches[c]!.map((_, i) => `2026-03-${String(i + 1).padStart(2, '0')}`),
      );
    }
  });
});
