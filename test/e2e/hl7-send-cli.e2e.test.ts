import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { adtMessage, mbiIdentifier, visit } from '../support/hl7-builder.ts';
import { isolatedEnv } from '../support/isolated.ts';
import { runVbc, startAllServices, vbc } from '../support/vbc-cli.ts';

/**
 * The operator's path: `vbc run all` listens for MLLP; `vbc hl7 send FILE` sends a hospital's
 * messages (segments on lines, as files are kept), prints each ACK and waits for the services;
 * `vbc export` shows what the care managers get. A port already taken is one line at start.
 */
const work = mkdtempSync(join(tmpdir(), 'hl7-cli-'));
const mbi = '1CLI0000001';
const ids = ['MRN9^^^GENHOSP^MR', mbiIdentifier(mbi)];
const stay = { encounterId: 'CLI-1', admittedAt: '20260302', dischargedAt: '20260305', disposition: '06' };
const file = join(work, 'feed.hl7');
writeFileSync(
  file,
  [
    adtMessage({ event: 'A01', controlId: 'CLI-1', identifiers: ids, pv1: visit(stay), newline: '\n' }),
    adtMessage({ event: 'A03', controlId: 'CLI-2', identifiers: ids, pv1: visit(stay), newline: '\n' }),
    adtMessage({
      event: 'A01',
      controlId: 'CLI-3',
      identifiers: ['MRN9^^^GENHOSP^MR'],
      pv1: visit(stay),
      newline: '\n',
    }),
  ].join('\n'),
);

describe('vbc hl7 send through vbc run all', () => {
  it('prints each ACK, exits 1 when one is not AA, and the discharge raises a TCM follow-up', async () => {
    const port = await freePort();
    const env = { ...isolatedEnv('hl7-cli'), VBC_MLLP_PORT: String(port) };
    const services = await startAllServices(env, join(work, 'services.log'));
    try {
      const sent = runVbc(env, 'hl7', 'send', file, '--wait');
      expect(sent.status, sent.stderr).toBe(1);
      expect(sent.stdout.match(/^MSA\|.*$/gm)).toEqual(['MSA|AA|CLI-1', 'MSA|AA|CLI-2', 'MSA|AE|CLI-3']);
      expect(sent.stdout).toMatch(/^ERR\|\|PID\^1\^3\|101\^Required field missing\^HL70357\|E\|/m);
      expect(sent.stderr).toMatch(`sent 3 messages to 127.0.0.1:${port}: 2 AA, 1 AE`);
      const alerts = JSON.parse(vbc(env, 'export')).alerts as { type: string; mbi: string; contactDueDate: string }[];
      expect(alerts.filter((a) => a.mbi === mbi)).toEqual([
        expect.objectContaining({
          type: 'TCM_FOLLOW_UP',
          subjectId: 'CLI-1',
          contactDueDate: '2026-03-09',
          visitDueDate: '2026-03-19',
        }),
      ]);
      const letters = vbc(env, 'dlq', 'list', 'adt-hl7');
      expect(letters).toMatch(/HL7_UNMAPPABLE .*CLI-3/);
    } finally {
      await services.stop();
    }
  });

  it('a taken MLLP port stops vbc run with one line naming it', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    try {
      const r = runVbc({ ...isolatedEnv('hl7-port'), VBC_MLLP_PORT: String(port) }, 'run', 'adt-gateway');
      expect(r.status).not.toBe(0);
      expect(r.stderr.trim().split('\n').at(-1)).toMatch(`the MLLP port 127.0.0.1:${port} is taken`);
    } finally {
      blocker.close();
    }
  });
});
