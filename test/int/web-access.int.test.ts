import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForCatchUp } from '../../services/cli/catch-up.ts';
import { SERVICES } from '../../services/registry.ts';
import { startWeb, type RunningWeb } from '../../services/web/service.ts';
import { loadConfig } from '../../shared/config/config.ts';
import { startService, type RunningService } from '../../shared/service/consumer-service.ts';
import { openContext, type Context } from '../../shared/service/context.ts';
import { isolatedEnv } from '../support/isolated.ts';
import { publishRecords } from '../support/publish-records.ts';
import { waitUntil } from '../support/service-process.ts';
import { usersFile, WebClient } from '../support/web-users.ts';

/**
 * The web application's access rules on the real stack (issue 22): every route for every role and
 * for nobody, scoping of alerts and patients, the audit log, CSRF on every action, sign-in rate
 * limiting and the security headers.
 */
const MBI_A = '1WEBA000001';
const MBI_B = '1WEBB000001';
let ctx: Context;
let web: RunningWeb;
const services: RunningService[] = [];
const clients: Record<string, WebClient> = {};

const stay = (mbi: string, id: string) => ({
  admission: {
    encounterId: id,
    mbi,
    facilityId: 'F1',
    admitDate: '2026-03-02',
    encounterClass: 'INPATIENT',
    admitType: 'EMERGENCY',
  },
  discharge: {
    encounterId: id,
    mbi,
    facilityId: 'F1',
    admitDate: '2026-03-02',
    dischargeDate: '2026-03-05',
    disposition: '01',
  },
});

describe('web application: routes, roles and protections', () => {
  beforeAll(async () => {
    const file = await usersFile([
      { username: 'cm-a', role: 'care-manager', acos: ['A1'] },
      { username: 'cm-b', role: 'care-manager', acos: ['B1'] },
      { username: 'fin', role: 'finance', acos: ['A1'] },
      { username: 'boss', role: 'admin', acos: ['*'] },
      { username: 'victim', role: 'care-manager', acos: ['A1'] },
    ]);
    const config = loadConfig({
      ...process.env,
      ...isolatedEnv('web-access'),
      VBC_WEB_PORT: '0',
      VBC_WEB_USERS_FILE: file,
    });
    ctx = await openContext('test-web-access', config);
    for (const spec of Object.values(SERVICES)) services.push(await startService(ctx, spec));
    await publishRecords(ctx, 'attribution', [
      { mbi: MBI_A, acoId: 'A1', effectiveFrom: '2026-01-01', effectiveTo: null },
      { mbi: MBI_B, acoId: 'B1', effectiveFrom: '2026-01-01', effectiveTo: null },
    ]);
    for (const [mbi, id] of [
      [MBI_A, 'EA1'],
      [MBI_B, 'EB1'],
    ] as const) {
      const s = stay(mbi, id);
      await publishRecords(ctx, 'admissions', [s.admission]);
      await publishRecords(ctx, 'discharges', [s.discharge]);
    }
    await waitForCatchUp(ctx, 60_000);
    web = await startWeb(ctx);
    for (const name of ['cm-a', 'cm-b', 'fin', 'boss']) {
      clients[name] = new WebClient(web.url);
      expect((await clients[name]!.signIn(name)).status).toBe(303);
    }
    clients.nobody = new WebClient(web.url);
    // Both alerts, each with its ACO: an alert derived before its beneficiary's attribution was
    // applied is on the board first without one, and takes it with the update that follows.
    await waitUntil(
      async () => {
        const { alerts } = (await (await clients.boss!.get('/api/alerts')).json()) as { alerts: { acoId: unknown }[] };
        return alerts.length === 2 && alerts.every((a) => a.acoId !== null);
      },
      'both alerts on the board, with their ACOs',
      30_000,
    );
  });
  afterAll(async () => {
    await web?.stop();
    await Promise.all(services.map((s) => s.stop()));
    await ctx?.close();
  });

  it('every route answers each role as the rules say (and sends nobody to sign in)', async () => {
    const routes = [
      '/worklist',
      '/finance',
      '/audit',
      `/patients/${MBI_A}`,
      '/api/alerts',
      `/api/patients/${MBI_A}`,
      '/api/finance',
      '/api/finance/acos.csv',
      '/api/finance/months.csv',
      '/api/audit',
      '/api/session',
    ];
    const table: Record<string, Record<string, number>> = {};
    for (const route of routes) {
      table[route] = {};
      for (const who of ['nobody', 'cm-a', 'cm-b', 'fin', 'boss'])
        table[route]![who] = (await clients[who]!.get(route)).status;
    }
    expect(table).toEqual({
      '/worklist': { nobody: 303, 'cm-a': 200, 'cm-b': 200, fin: 403, boss: 200 },
      '/finance': { nobody: 303, 'cm-a': 403, 'cm-b': 403, fin: 200, boss: 200 },
      '/audit': { nobody: 303, 'cm-a': 403, 'cm-b': 403, fin: 403, boss: 200 },
      [`/patients/${MBI_A}`]: { nobody: 303, 'cm-a': 200, 'cm-b': 403, fin: 403, boss: 200 },
      '/api/alerts': { nobody: 401, 'cm-a': 200, 'cm-b': 200, fin: 403, boss: 200 },
      [`/api/patients/${MBI_A}`]: { nobody: 401, 'cm-a': 200, 'cm-b': 403, fin: 403, boss: 200 },
      '/api/finance': { nobody: 401, 'cm-a': 403, 'cm-b': 403, fin: 200, boss: 200 },
      '/api/finance/acos.csv': { nobody: 401, 'cm-a': 403, 'cm-b': 403, fin: 200, boss: 200 },
      '/api/finance/months.csv': { nobody: 401, 'cm-a': 403, 'cm-b': 403, fin: 200, boss: 200 },
      '/api/audit': { nobody: 401, 'cm-a': 403, 'cm-b': 403, fin: 403, boss: 200 },
      '/api/session': { nobody: 401, 'cm-a': 200, 'cm-b': 200, fin: 200, boss: 200 },
    });
  });

  it("a care manager's worklist holds their ACO's alerts only; a denied patient page is audited", async () => {
    const mine = (await (await clients['cm-a']!.get('/api/alerts')).json()).alerts as { mbi: string; acoId: string }[];
    expect(mine.map((a) => [a.mbi, a.acoId])).toEqual([[MBI_A, 'A1']]);
    expect((await clients['cm-b']!.get(`/api/patients/${MBI_A}`)).status).toBe(403);
    const { entries } = (await (await clients.boss!.get('/api/audit')).json()) as {
      entries: { user: string; mbi: string; outcome: string; page: string }[];
    };
    expect(entries).toContainEqual(
      expect.objectContaining({ user: 'cm-b', mbi: MBI_A, outcome: 'denied', page: 'patient-api' }),
    );
    expect(entries).toContainEqual(expect.objectContaining({ user: 'cm-a', mbi: MBI_A, outcome: 'allowed' }));
  });

  it('actions need the session CSRF token, and only on alerts the user may see', async () => {
    const [alert] = (await (await clients['cm-a']!.get('/api/alerts')).json()).alerts as { alertId: string }[];
    const path = `/api/alerts/${alert!.alertId}/actions`;
    expect((await clients['cm-a']!.post(path, { action: 'ACKNOWLEDGED' }, null)).status).toBe(403);
    expect((await clients['cm-a']!.post(path, { action: 'ACKNOWLEDGED' }, clients['cm-b']!.csrf)).status).toBe(403);
    expect((await clients['cm-b']!.post(path, { action: 'ACKNOWLEDGED' })).status).toBe(404);
    expect((await clients.fin!.post(path, { action: 'ACKNOWLEDGED' })).status).toBe(403);
    const ok = await clients['cm-a']!.post(path, { action: 'ACKNOWLEDGED' });
    expect(ok.status).toBe(200);
    expect((await ok.json()).work.status).toBe('ACKNOWLEDGED');
    // Signing out needs the token too.
    const out = await fetch(`${web.url}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: clients['cm-a']!.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'csrf=wrong',
    });
    expect(out.status).toBe(403);
  });

  it('signing in: the form token is required; five wrong passwords and even the right one is refused for a while', async () => {
    const noToken = await fetch(`${web.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=victim&password=victim-password',
    });
    expect(noToken.status).toBe(403);
    const c = new WebClient(web.url);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await c.signIn('victim', 'guess')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect((await c.signIn('victim')).status).toBe(429);
    expect(c.cookie).toBe('');
  });

  it('pages carry the security headers and the session cookie is HttpOnly and SameSite=Strict', async () => {
    const page = await clients['cm-a']!.get('/worklist');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self';.*frame-ancestors 'none'/);
    expect(page.headers.get('content-security-policy')).not.toMatch(/unsafe-inline/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(await page.text()).not.toMatch(/<script(?![^>]*\bsrc=)/);
    const c = new WebClient(web.url);
    const res = await c.signIn('boss');
    const session = res.headers.getSetCookie().find((h) => h.startsWith('vbc_session='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
  });
});
