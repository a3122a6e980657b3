import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitForCatchUp } from '../../services/cli/catch-up.ts';
import { loadConfig } from '../../shared/config/config.ts';
import { sendMessages } from '../../shared/hl7/sender.ts';
import { header, readTopic } from '../../shared/kafka/read-topic.ts';
import { openContext } from '../../shared/service/context.ts';
import { freePort } from '../support/free-port.ts';
import { adtMessage, mbiIdentifier, visit } from '../support/hl7-builder.ts';
import { isolatedEnv } from '../support/isolated.ts';
import { ServiceProcess, waitUntil } from '../support/service-process.ts';
import { startAllServices, vbc } from '../support/vbc-cli.ts';

/**
 * Crash safety of the gateway (issue 20): a sender streams 5,000 ADT messages; the gateway is
 * killed with SIGKILL part way and started again; the sender reconnects and sends again what was
 * not acknowledged, as interface engines do. Every message acknowledged AA must be on Kafka, and
 * the state must equal a clean run's: nothing lost, nothing counted twice.
 */
const BENEFICIARIES = 1_000;

/** Five messages a beneficiary: a stay admitted and discharged home, a readmission 20 days later, then an update or a cancel of it. */
function feed(): string[] {
  const out: string[] = [];
  for (let b = 0; b < BENEFICIARIES; b++) {
    const mbi = `1CR${String(b).padStart(8, '0')}`;
    const ids = [`MRN${b}^^^GENHOSP^MR`, mbiIdentifier(mbi)];
    const m = (n: number, event: string, pv1: Record<number, string | undefined>, drg?: string) =>
      adtMessage({ event, controlId: `CR-${b}-${n}`, identifiers: ids, pv1, ...(drg ? { drg } : {}) });
    const day = 1 + (b % 20);
    const d = (n: number) => `202603${String(n).padStart(2, '0')}`;
    const first = { encounterId: `CR-${b}-S1`, admittedAt: d(day), dischargedAt: d(day + 3), disposition: '01' };
    const second = {
      encounterId: `CR-${b}-S2`,
      admittedAt: `202604${String(day).padStart(2, '0')}`,
      dischargedAt: `202604${String(day + 2).padStart(2, '0')}`,
      disposition: '06',
    };
    out.push(m(1, 'A01', visit(first)));
    out.push(m(2, 'A03', visit(first), b % 3 === 0 ? '470' : undefined));
    out.push(m(3, 'A01', visit(second)));
    out.push(m(4, 'A03', visit(second)));
    out.push(b % 4 === 0 ? m(5, 'A11', { 19: second.encounterId }) : m(5, 'A08', visit({ ...second, admitType: 'C' })));
  }
  return out;
}

async function exportOf(env: Record<string, string>): Promise<unknown> {
  const ctx = await openContext('test-crash-wait', loadConfig({ ...process.env, ...env }));
  try {
    await waitForCatchUp(ctx, 120_000);
  } finally {
    await ctx.close();
  }
  return JSON.parse(vbc(env, 'export'));
}

describe('the gateway killed with SIGKILL mid-stream loses no acknowledged message and counts nothing twice', () => {
  it('5,000 messages, one SIGKILL and a restart: the export equals a clean run, and every AA is on Kafka', async () => {
    const messages = feed();
    expect(messages).toHaveLength(5 * BENEFICIARIES);
    const logs = mkdtempSync(join(tmpdir(), 'hl7-crash-'));

    // The clean run: the gateway inside `vbc run all`.
    const cleanPort = await freePort();
    const clean = { ...isolatedEnv('hl7-clean'), VBC_MLLP_PORT: String(cleanPort) };
    const cleanServices = await startAllServices(clean, join(logs, 'clean.log'));
    let cleanExport: unknown;
    try {
      await sendMessages(messages, { host: '127.0.0.1', port: cleanPort, window: 1 });
      cleanExport = await exportOf(clean);
    } finally {
      await cleanServices.stop();
    }

    // The crash run: consumers in one process, the gateway in its own, killed part way.
    const port = await freePort();
    const crash = { ...isolatedEnv('hl7-crash'), VBC_MLLP_PORT: String(port) };
    const consumers = await startAllServices({ ...crash, VBC_MLLP_PORT: 'off' }, join(logs, 'consumers.log'));
    let gateway = new ServiceProcess('adt-gateway', crash, join(logs, 'gateway.log'));
    const acked = new Map<string, string>();
    let killed = false;
    try {
      const sending = sendMessages(messages, { host: '127.0.0.1', port, window: 1, retryForMs: 150_000 }, (a) => {
        acked.set(a.controlId, a.code);
        if (!killed && acked.size === 1_700) {
          killed = true;
          gateway.child.kill('SIGKILL');
        }
      });
      await waitUntil(() => killed && gateway.exited, 'the gateway to be killed', 150_000);
      gateway = new ServiceProcess('adt-gateway', crash, join(logs, 'gateway.log'));
      await sending;
      expect([...acked.values()].every((c) => c === 'AA')).toBe(true);
      expect(acked.size).toBe(messages.length);

      const crashExport = await exportOf(crash);
      expect(crashExport).toEqual(cleanExport);

      // Every message acknowledged AA published its records (a cancel or an update included).
      const ctx = await openContext('test-crash-read', loadConfig({ ...process.env, ...crash }));
      try {
        const onKafka = new Set<string>();
        for (const topic of ['admissions', 'discharges'] as const)
          for (const r of await readTopic(ctx.kafka, ctx.admin, ctx.topics.input(topic)))
            onKafka.add(header(r, 'hl7-control-id') ?? '');
        const missing = [...acked.keys()].filter((id) => !onKafka.has(id));
        expect(missing).toEqual([]);
      } finally {
        await ctx.close();
      }
    } finally {
      await gateway.stop().catch(() => undefined);
      await consumers.stop();
    }
  }, 420_000);
});
