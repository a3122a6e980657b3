import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdtGateway, type RunningGateway } from '../../services/adt-gateway/service.ts';
import { loadConfig } from '../../shared/config/config.ts';
import { sendMessages } from '../../shared/hl7/sender.ts';
import { openContext, type Context } from '../../shared/service/context.ts';
import { adtMessage, mbiIdentifier, visit } from '../support/hl7-builder.ts';
import { isolatedEnv } from '../support/isolated.ts';

/** MLLP over TLS with client certificates, and the allow-list of sending facilities, on the real stack. */
const dir = mkdtempSync(join(tmpdir(), 'mllp-tls-'));
const f = (name: string) => join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore', cwd: dir });
openssl(
  'req',
  '-x509',
  '-newkey',
  'rsa:2048',
  '-nodes',
  '-keyout',
  'ca.key',
  '-out',
  'ca.pem',
  '-days',
  '2',
  '-subj',
  '/CN=test CA',
);
writeFileSync(f('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
for (const who of ['server', 'client']) {
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${who}.key`, '-out', `${who}.csr`, '-subj', `/CN=${who}`);
  openssl(
    'x509',
    '-req',
    '-in',
    `${who}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    `${who}.crt`,
    '-days',
    '2',
    '-extfile',
    'san.ext',
  );
}

const config = loadConfig({
  ...process.env,
  ...isolatedEnv('mllp-tls'),
  VBC_MLLP_PORT: '0',
  VBC_MLLP_TLS_CERT_FILE: f('server.crt'),
  VBC_MLLP_TLS_KEY_FILE: f('server.key'),
  VBC_MLLP_TLS_CLIENT_CA_FILE: f('ca.pem'),
  VBC_MLLP_ALLOWED_FACILITIES: 'GENHOSP,NORTHHOSP',
});
let ctx: Context;
let gateway: RunningGateway;
const message = (controlId: string, sendingFacility = 'GENHOSP^2.16.840.1.113883.3.72^ISO') =>
  adtMessage({
    event: 'A01',
    controlId,
    sendingFacility,
    identifiers: [mbiIdentifier('1TLS0000001')],
    pv1: visit({ encounterId: controlId, admittedAt: '20260301' }),
  });
const tls = (withClientCert: boolean) => ({
  ca: readFileSync(f('ca.pem')),
  ...(withClientCert ? { cert: readFileSync(f('client.crt')), key: readFileSync(f('client.key')) } : {}),
});

describe('the MLLP listener over TLS, with client certificates and an allow-list of senders', () => {
  beforeAll(async () => {
    ctx = await openContext('test-mllp-tls', config);
    gateway = await startAdtGateway(ctx);
  });
  afterAll(async () => {
    await gateway?.stop();
    await ctx?.close();
  });

  it('takes a sender with a client certificate of the trusted CA; answers AR to a facility not on the list', async () => {
    const codes: string[] = [];
    await sendMessages(
      [message('T1'), message('T2', 'STRANGERHOSP')],
      { host: '127.0.0.1', port: gateway.listener.port, tls: tls(true) },
      (a) => codes.push(`${a.controlId}:${a.code}`),
    );
    expect(codes).toEqual(['T1:AA', 'T2:AR']);
  });

  it('refuses a sender without a client certificate, and one speaking plain TCP', async () => {
    const opts = { host: '127.0.0.1', port: gateway.listener.port, retryForMs: 1_500, ackTimeoutMs: 1_000 };
    await expect(sendMessages([message('T3')], { ...opts, tls: tls(false) })).rejects.toThrow(/gave up after 0 of 1/);
    await expect(sendMessages([message('T4')], opts)).rejects.toThrow(/gave up after 0 of 1/);
  });
});
