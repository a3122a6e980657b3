import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { acoOn } from '../../shared/domain/claims.ts';
import { valueSubject } from '../../shared/registry/schemas.ts';
import type { Context } from '../../shared/service/context.ts';
import { exportState } from '../cli/state-export.ts';
import { mayEnter, maySeeAcoFinance, maySeeAlert, maySeePatient, type Area, type User } from './domain/access.ts';
import { parseAction, workState, type AlertActionEvent } from './domain/alert-actions.ts';
import type { AlertRow } from './domain/alert-board.ts';
import { toCsv } from './domain/csv.ts';
import { financeView } from './domain/finance-view.ts';
import { DUMMY_HASH, verifyPassword } from './domain/passwords.ts';
import { patientTimeline } from './domain/patient-timeline.ts';
import type { AlertsFeed } from './data/alerts-feed.ts';
import type { StoredUser } from './data/users.ts';
import type { Session, WebStore } from './data/web-store.ts';
import { cookie, cookies, readBody, redirect, send, sendJson } from './http/kit.ts';
import { auditPage, errorPage, financePage, loginPage, patientPage, worklistPage } from './http/pages.ts';

export interface WebDeps {
  ctx: Context;
  store: WebStore;
  users: Map<string, StoredUser>;
  feed: AlertsFeed;
  secure: boolean;
}

const PUBLIC = fileURLToPath(new URL('./public/', import.meta.url));
const NODE_MODULES = fileURLToPath(new URL('../../node_modules/', import.meta.url));
/** The files the pages load: ours, and the bundled libraries (no CDN: the app works offline). */
const STATIC: Record<string, [string, string]> = {
  '/static/app.css': [`${PUBLIC}app.css`, 'text/css'],
  '/static/common.js': [`${PUBLIC}common.js`, 'text/javascript'],
  '/static/worklist.js': [`${PUBLIC}worklist.js`, 'text/javascript'],
  '/static/patient.js': [`${PUBLIC}patient.js`, 'text/javascript'],
  '/static/finance.js': [`${PUBLIC}finance.js`, 'text/javascript'],
  '/static/audit.js': [`${PUBLIC}audit.js`, 'text/javascript'],
  '/static/vendor/pico.min.css': [`${NODE_MODULES}@picocss/pico/css/pico.min.css`, 'text/css'],
  '/static/vendor/uPlot.min.css': [`${NODE_MODULES}uplot/dist/uPlot.min.css`, 'text/css'],
  '/static/vendor/uPlot.esm.js': [`${NODE_MODULES}uplot/dist/uPlot.esm.js`, 'text/javascript'],
};
const staticCache = new Map<string, Buffer>();

const SESSION_COOKIE = 'vbc_session';
const LOGIN_COOKIE = 'vbc_login';

/** Server-side: the signed-in user of a request, with the session's CSRF token. */
interface Who {
  user: User;
  session: Session;
}

export function webHandler(deps: WebDeps) {
  const { ctx, store, users, feed } = deps;
  const limit = ctx.config.web.signInAttempts;
  const log = ctx.logger;

  async function who(req: IncomingMessage): Promise<Who | null> {
    const id = cookies(req)[SESSION_COOKIE];
    if (!id) return null;
    const session = await store.session(id);
    const user = session ? users.get(session.username) : undefined;
    return session && user ? { user, session } : null;
  }

  const sameToken = (a: string | undefined, b: string) =>
    a !== undefined && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

  /** Alerts a user may see, with their work state. */
  async function alertsFor(user: User, query: URLSearchParams) {
    const work = await store.allActions();
    const f = Object.fromEntries(['type', 'aco', 'facility', 'status'].map((k) => [k, query.get(k) ?? '']));
    const out = [];
    for (const row of feed.board.inForce()) {
      if (!maySeeAlert(user, row)) continue;
      const state = workState(work.get(row.alertId) ?? []);
      if (f.type && row.type !== f.type) continue;
      if (f.aco && row.acoId !== f.aco) continue;
      if (f.facility && row.facilityId !== f.facility) continue;
      if (f.status && state.status !== f.status) continue;
      out.push({ ...row, work: state });
    }
    return out;
  }

  async function patientOf(mbi: string) {
    const loaded = await ctx.stores.beneficiaries.load([mbi], ctx.config.overrunThresholds);
    const state = loaded.byMbi.get(mbi);
    if (!state || state.version === '0') return null;
    return patientTimeline(mbi, state.facts, state.derived);
  }

  /** The patient check shared by the page and the API: 403 (audited) unless the patient is the user's. */
  async function guardPatient(w: Who, mbi: string, page: string, res: ServerResponse, asJson: boolean) {
    const timeline = await patientOf(mbi);
    const allowed = timeline !== null && maySeePatient(w.user, timeline);
    await store.audit({
      at: new Date().toISOString(),
      user: w.user.username,
      role: w.user.role,
      mbi,
      page,
      outcome: allowed ? 'allowed' : 'denied',
    });
    if (allowed) return timeline;
    // Unknown and not yours answer alike: a care manager cannot probe for who exists.
    if (asJson) sendJson(res, 403, { error: 'not your patient' });
    else send(res, 403, errorPage(403, 'This patient is not one of yours.'), 'text/html; charset=utf-8');
    return null;
  }

  async function finance(user: User) {
    const [state, contracts, records] = await Promise.all([
      exportState(ctx.stores),
      ctx.stores.reference.contracts(),
      ctx.stores.reference.reconciliations(),
    ]);
    // An episode is an ACO's when its beneficiary was attributed to it on the anchor admission date.
    const mbis = [...new Set(state.episodes.map((e) => e.mbi))];
    const loaded = mbis.length ? await ctx.stores.beneficiaries.load(mbis, ctx.config.overrunThresholds) : null;
    const episodes = state.episodes
      .map((e) => {
        const facts = loaded?.byMbi.get(e.mbi)?.facts;
        return { ...e, acoId: facts ? acoOn(e.anchorAdmitDate, facts.attributions.values()) : null };
      })
      .filter(
        (e) =>
          user.role === 'admin' || user.acos.includes('*') || (e.acoId !== null && maySeeAcoFinance(user, e.acoId)),
      );
    const acos = state.acos.filter((a) => maySeeAcoFinance(user, a.acoId));
    const episodeIds = new Set(episodes.map((e) => e.episodeId));
    const reconciliations = state.reconciliations.filter((r) =>
      r.kind === 'MSSP' ? maySeeAcoFinance(user, r.subjectId.split(':')[0]!) : episodeIds.has(r.subjectId),
    );
    return { acos, episodes, reconciliations, view: financeView(acos, episodes, contracts, records) };
  }

  const routes: {
    method: string;
    path: RegExp;
    area: Area | null;
    run: (m: RegExpMatchArray, req: IncomingMessage, res: ServerResponse, w: Who | null, url: URL) => Promise<void>;
  }[] = [
    {
      method: 'GET',
      path: /^\/$/,
      area: null,
      run: async (_m, _req, res, w) =>
        redirect(res, !w ? '/login' : w.user.role === 'finance' ? '/finance' : '/worklist'),
    },
    {
      method: 'GET',
      path: /^\/login$/,
      area: null,
      run: async (_m, _req, res) => {
        const token = randomBytes(24).toString('base64url');
        send(res, 200, loginPage(token, null), 'text/html; charset=utf-8', {
          'set-cookie': cookie(LOGIN_COOKIE, token, deps.secure, 900),
        });
      },
    },
    {
      method: 'POST',
      path: /^\/login$/,
      area: null,
      run: async (_m, req, res) => {
        const form = new URLSearchParams(await readBody(req, 8192));
        const username = (form.get('username') ?? '').trim();
        const password = form.get('password') ?? '';
        const again = (status: number, message: string) => {
          const token = randomBytes(24).toString('base64url');
          send(res, status, loginPage(token, message), 'text/html; charset=utf-8', {
            'set-cookie': cookie(LOGIN_COOKIE, token, deps.secure, 900),
          });
        };
        if (!sameToken(form.get('csrf') ?? undefined, cookies(req)[LOGIN_COOKIE] ?? ''))
          return again(403, 'The form expired; sign in again.');
        const keys = [`user:${username.toLowerCase()}`, `addr:${req.socket.remoteAddress ?? ''}`];
        // Per user name, and (ten times as many, for a hospital behind one address) per address.
        const [byUser = 0, byAddress = 0] = await store.signInAttempts(keys);
        if (byUser >= limit || byAddress >= limit * 10) {
          log.warn({ username }, 'sign-in refused: too many failed attempts');
          return again(429, 'Too many failed sign-ins. Wait 15 minutes and try again.');
        }
        const user = users.get(username);
        const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
        if (!user || !ok) {
          await store.failedSignIn(keys);
          return again(401, 'Wrong user name or password.');
        }
        await store.clearSignInAttempts(keys[0]!);
        const session = await store.createSession(user.username, ctx.config.web.sessionHours);
        log.info({ username: user.username, role: user.role }, 'signed in');
        res.writeHead(303, {
          location: '/',
          'set-cookie': [
            cookie(SESSION_COOKIE, session.id, deps.secure, ctx.config.web.sessionHours * 3600),
            cookie(LOGIN_COOKIE, '', deps.secure, 0),
          ],
          'cache-control': 'no-store',
        });
        res.end();
      },
    },
    {
      method: 'POST',
      path: /^\/logout$/,
      area: 'session',
      run: async (_m, req, res, w) => {
        const form = new URLSearchParams(await readBody(req, 8192));
        if (!sameToken(form.get('csrf') ?? undefined, w!.session.csrf))
          return send(res, 403, 'CSRF token missing or wrong');
        await store.endSession(w!.session.id);
        redirect(res, '/login', { 'set-cookie': cookie(SESSION_COOKIE, '', deps.secure, 0) });
      },
    },
    {
      method: 'GET',
      path: /^\/worklist$/,
      area: 'worklist',
      run: async (_m, _q, res, w) => send(res, 200, worklistPage(w!.user, w!.session.csrf), 'text/html; charset=utf-8'),
    },
    {
      method: 'GET',
      path: /^\/finance$/,
      area: 'finance',
      run: async (_m, _q, res, w) => send(res, 200, financePage(w!.user, w!.session.csrf), 'text/html; charset=utf-8'),
    },
    {
      method: 'GET',
      path: /^\/audit$/,
      area: 'audit',
      run: async (_m, _q, res, w) => send(res, 200, auditPage(w!.user, w!.session.csrf), 'text/html; charset=utf-8'),
    },
    {
      method: 'GET',
      path: /^\/patients\/([A-Za-z0-9]{1,20})$/,
      area: 'patient',
      run: async (m, _q, res, w) => {
        if (await guardPatient(w!, m[1]!, 'patient-page', res, false))
          send(res, 200, patientPage(w!.user, w!.session.csrf, m[1]!), 'text/html; charset=utf-8');
      },
    },
    {
      method: 'GET',
      path: /^\/api\/session$/,
      area: 'session',
      run: async (_m, _q, res, w) =>
        sendJson(res, 200, {
          username: w!.user.username,
          role: w!.user.role,
          acos: w!.user.acos,
          facilities: w!.user.facilities,
          csrf: w!.session.csrf,
        }),
    },
    {
      method: 'GET',
      path: /^\/api\/alerts$/,
      area: 'worklist',
      run: async (_m, _q, res, w, url) => {
        const started = performance.now();
        const alerts = await alertsFor(w!.user, url.searchParams);
        const ms = performance.now() - started;
        sendJson(res, 200, { asOf: new Date().toISOString(), alerts }, { 'server-timing': `app;dur=${ms.toFixed(1)}` });
      },
    },
    {
      method: 'GET',
      path: /^\/api\/alerts\/stream$/,
      area: 'worklist',
      run: async (_m, req, res, w) => {
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.write(': connected\n\n');
        const user = w!.user;
        const stopFeed = feed.onChange((change) => {
          if (maySeeAlert(user, change.row))
            res.write(`event: ${change.kind}\ndata: ${JSON.stringify(change.row)}\n\n`);
        });
        const stopWork = onWork((row, state) => {
          if (maySeeAlert(user, row))
            res.write(`event: work\ndata: ${JSON.stringify({ alertId: row.alertId, work: state })}\n\n`);
        });
        // A heartbeat every 15 s keeps proxies from closing the stream; a signed-out or expired
        // session ends it (the page then finds itself signed out on its next request).
        const beat = setInterval(() => {
          void store.session(w!.session.id).then(
            (s) => (s ? res.write(': keep-alive\n\n') : res.end()),
            () => undefined,
          );
        }, 15_000);
        req.on('close', () => {
          clearInterval(beat);
          stopFeed();
          stopWork();
        });
      },
    },
    {
      method: 'POST',
      path: /^\/api\/alerts\/([A-Za-z0-9_-]{1,64})\/actions$/,
      area: 'alert-action',
      run: async (m, req, res, w) => {
        if (!sameToken(req.headers['x-csrf-token'] as string | undefined, w!.session.csrf))
          return sendJson(res, 403, { error: 'CSRF token missing or wrong' });
        const row = feed.board.get(m[1]!);
        if (!row || !maySeeAlert(w!.user, row)) return sendJson(res, 404, { error: 'no such alert in force for you' });
        let body: unknown;
        try {
          body = JSON.parse(await readBody(req, 16 * 1024));
        } catch {
          return sendJson(res, 400, { error: 'the body must be JSON' });
        }
        const parsed = parseAction(body);
        if (typeof parsed === 'string') return sendJson(res, 400, { error: parsed });
        const event: AlertActionEvent = {
          actionId: randomUUID(),
          alertId: row.alertId,
          action: parsed.action,
          by: w!.user.username,
          at: new Date().toISOString(),
          assignee: parsed.assignee,
          note: parsed.note,
        };
        // On the topic first (every in-sync replica), then in the store the worklist reads.
        const topic = ctx.topics.output('alert-actions');
        await ctx.producer.send({
          topic,
          acks: -1,
          messages: [
            {
              key: row.alertId,
              value: ctx.codec.encode(valueSubject(topic), { ...event, alertType: row.type, acoId: row.acoId }),
            },
          ],
        });
        await store.appendAction(event);
        const state = workState(await store.actions(row.alertId));
        announceWork(row, state);
        sendJson(res, 200, { alertId: row.alertId, work: state });
      },
    },
    {
      method: 'GET',
      path: /^\/api\/patients\/([A-Za-z0-9]{1,20})$/,
      area: 'patient',
      run: async (m, _q, res, w) => {
        const timeline = await guardPatient(w!, m[1]!, 'patient-api', res, true);
        if (timeline) sendJson(res, 200, timeline);
      },
    },
    {
      method: 'GET',
      path: /^\/api\/finance$/,
      area: 'finance',
      run: async (_m, _q, res, w) => sendJson(res, 200, (await finance(w!.user)).view),
    },
    {
      method: 'GET',
      path: /^\/api\/finance\/(acos|months|episodes|reconciliations)\.csv$/,
      area: 'finance',
      run: async (m, _q, res, w) => {
        const f = await finance(w!.user);
        const table = m[1]!;
        const csv =
          table === 'acos'
            ? toCsv(['acoId', 'performanceYear', 'expenditureCents', 'claimRecords'], f.acos)
            : table === 'months'
              ? toCsv(
                  ['acoId', 'performanceYear', 'month', 'expenditureCents'],
                  f.acos.flatMap((a) =>
                    Object.entries(a.byServiceMonth).map(([month, cents]) => ({
                      acoId: a.acoId,
                      performanceYear: a.performanceYear,
                      month,
                      expenditureCents: cents,
                    })),
                  ),
                )
              : table === 'episodes'
                ? toCsv(
                    [
                      'episodeId',
                      'mbi',
                      'program',
                      'category',
                      'anchorAdmitDate',
                      'anchorDischargeDate',
                      'windowEnd',
                      'spendCents',
                      'targetPriceCents',
                      'status',
                    ],
                    f.episodes,
                  )
                : toCsv(['eventId', 'kind', 'subjectId', 'amountCents', 'final'], f.reconciliations);
        send(res, 200, csv, 'text/csv; charset=utf-8', {
          'content-disposition': `attachment; filename="${table}.csv"`,
        });
      },
    },
    {
      method: 'GET',
      path: /^\/api\/audit$/,
      area: 'audit',
      run: async (_m, _q, res) => sendJson(res, 200, { entries: await store.recentAudit(500) }),
    },
  ];

  // Work done on alerts, told to every open worklist of this process.
  const workListeners = new Set<(row: AlertRow, state: ReturnType<typeof workState>) => void>();
  const onWork = (l: (row: AlertRow, state: ReturnType<typeof workState>) => void) => {
    workListeners.add(l);
    return () => workListeners.delete(l);
  };
  const announceWork = (row: AlertRow, state: ReturnType<typeof workState>) => {
    for (const l of workListeners) l(row, state);
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (url.pathname === '/favicon.ico') return send(res, 204, '');
      const file = req.method === 'GET' ? STATIC[url.pathname] : undefined;
      if (file) {
        let body = staticCache.get(file[0]);
        if (!body) staticCache.set(file[0], (body = readFileSync(file[0])));
        return send(res, 200, body, `${file[1]}; charset=utf-8`, { 'cache-control': 'private, max-age=300' });
      }
      const candidates = routes.filter((r) => r.path.test(url.pathname));
      if (candidates.length === 0) return send(res, 404, errorPage(404, 'No such page.'), 'text/html; charset=utf-8');
      const route = candidates.find((r) => r.method === req.method);
      if (!route)
        return send(res, 405, 'method not allowed', 'text/plain; charset=utf-8', {
          allow: candidates.map((r) => r.method).join(', '),
        });
      const w = await who(req);
      if (route.area !== null) {
        const api = url.pathname.startsWith('/api/');
        if (!w) return api ? sendJson(res, 401, { error: 'sign in first' }) : redirect(res, '/login');
        if (!mayEnter(w.user, route.area))
          return api
            ? sendJson(res, 403, { error: `the ${w.user.role} role has no access to this` })
            : send(
                res,
                403,
                errorPage(403, `The ${w.user.role} role has no access to this page.`),
                'text/html; charset=utf-8',
              );
      }
      await route.run(url.pathname.match(route.path)!, req, res, w, url);
    } catch (error) {
      const status = (error as { status?: number }).status ?? 500;
      log.error({ path: url.pathname, reason: (error as Error).message }, 'web request failed');
      if (!res.headersSent)
        sendJson(res, status, { error: status === 500 ? 'internal error' : (error as Error).message });
      else res.end();
    }
  };
}
