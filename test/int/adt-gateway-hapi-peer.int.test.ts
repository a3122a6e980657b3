import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdtGateway, type RunningGateway } from '../../services/adt-gateway/service.ts';
import { loadConfig } from '../../shared/config/config.ts';
import { header, readTopic } from '../../shared/kafka/read-topic.ts';
import { openContext, type Context } from '../../shared/service/context.ts';
import { adtMessage, mbiIdentifier, visit } from '../support/hl7-builder.ts';
import { isolatedEnv } from '../support/isolated.ts';

/**
 * A peer that did not come from us: the HAPI HL7v2 Java library (Maven Central) sends through its
 * own MLLP client, which frames the messages, waits for each ACK, parses it with its own parser and
 * checks that it answers the message sent. Our framing, separators and ACK format have to satisfy it.
 */
const SENDER = fileURLToPath(new URL('../peers/hapi-sender/run.sh', import.meta.url));
const config = loadConfig({ ...process.env, ...isolatedEnv('hapi'), VBC_MLLP_PORT: '0' });
let ctx: Context;
let gateway: RunningGateway;

const mbi = '1HAPI000001';
const ids = ['MRN1^^^GENHOSP^MR', mbiIdentifier(mbi)];
const MESSAGES = [
  adtMessage({
    event: 'A01',
    controlId: 'HP-25',
    version: '2.5',
    identifiers: ids,
    recordedAt: '20260301093000-0500',
    pv1: visit({ encounterId: 'HP-1', admittedAt: '20260301093000-0500' }),
    name: 'O\\T\\BRIEN^ANN',
  }),
  adtMessage({
    event: 'A03',
    controlId: 'HP-28',
    version: '2.8',
    identifiers: ids,
    drg: '470',
    pv1: visit({ encounterId: 'HP-1', admittedAt: '20260301', dischargedAt: '20260305', disposition: '01' }),
  }),
  adtMessage({
    event: 'A08',
    controlId: 'HP-23',
    version: '2.3',
    identifiers: ids,
    pv1: visit({ encounterId: 'HP-2', patientClass: 'O', admittedAt: '20260310' }),
  }),
  adtMessage({
    event: 'A04',
    controlId: 'HP-CUSTOM',
    version: '2.5',
    identifiers: ids,
    separators: { field: '#', component: '$', repetition: '*', escape: '@', subcomponent: '%' },
    pv1: visit({ encounterId: 'HP-3', patientClass: 'E', admittedAt: '20260311' }),
  }),
  adtMessage({
    event: 'A01',
    controlId: 'HP-NOMBI',
    version: '2.5',
    identifiers: ['MRN1^^^GENHOSP^MR'],
    pv1: visit({ encounterId: 'HP-4', admittedAt: '20260312' }),
  }),
  adtMessage({ event: 'R01', messageType: 'ORU', controlId: 'HP-ORU', version: '2.5', identifiers: ids }),
  adtMessage({
    event: 'A02',
    controlId: 'HP-A02',
    version: '2.5',
    identifiers: ids,
    pv1: visit({ encounterId: 'HP-1', admittedAt: '20260301' }),
  }),
];

function runSender(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [SENDER, '127.0.0.1', ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('an independent sender (HAPI HL7v2 and its MLLP client) takes our ACKs', () => {
  beforeAll(async () => {
    ctx = await openContext('test-hapi', config);
    gateway = await startAdtGateway(ctx);
  });
  afterAll(async () => {
    await gateway?.stop();
    await ctx?.close();
  });

  it('HAPI sends v2.3, v2.5, v2.8 and custom-separator messages and parses every AA, AE and AR it gets back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hapi-'));
    const files = MESSAGES.map((m, i) => {
      const file = join(dir, `m${i}.hl7`);
      writeFileSync(file, m.replace(/\r/g, '\n'), 'latin1');
      return file;
    });
    // Asynchronously: the gateway answers from this process.
    const run = await runSender([String(gateway.listener.port), ...files]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([
      'ACK AA HP-25 ACK^A01^ACK 2.5',
      'ACK AA HP-28 ACK^A03^ACK 2.8',
      'ACK AA HP-23 ACK^A08^ACK 2.3',
      'ACK AA HP-CUSTOM ACK^A04^ACK 2.5',
      'ACK AE HP-NOMBI ACK^A01^ACK 2.5',
      'ACK AR HP-ORU ACK^R01^ACK 2.5',
      'ACK AA HP-A02 ACK^A02^ACK 2.5',
    ]);
    const published = [
      ...(await readTopic(ctx.kafka, ctx.admin, ctx.topics.input('admissions'))),
      ...(await readTopic(ctx.kafka, ctx.admin, ctx.topics.input('discharges'))),
    ].map((r) => header(r, 'hl7-control-id'));
    expect(published.sort()).toEqual(['HP-23', 'HP-25', 'HP-28', 'HP-CUSTOM']);
  }, 300_000);
});
