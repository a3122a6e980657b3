import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Context } from '../../shared/service/context.ts';
import { webHandler } from './app.ts';
import { AlertsFeed } from './data/alerts-feed.ts';
import { loadUsers } from './data/users.ts';
import { WebStore } from './data/web-store.ts';

export interface RunningWeb {
  name: 'web';
  url: string;
  isReady(): boolean;
  failed: Promise<Error>;
  stop(): Promise<void>;
}

/**
 * The web application (issue 22): the care managers' worklist, patient pages, the finance views
 * and the audit log, on VBC_WEB_HOST:VBC_WEB_PORT. It reads the state and the alerts topic; it
 * changes no derived state. The only things it writes are sessions, the audit log and the work
 * care managers do on alerts (also published on `alert-actions`).
 */
export async function startWeb(ctx: Context): Promise<RunningWeb> {
  const web = ctx.config.web;
  const users = loadUsers(web.usersFile);
  if (users.size === 0)
    ctx.logger.warn('the web service has no users: set VBC_WEB_USERS_FILE (vbc web hash-password makes hashes)');
  const feed = new AlertsFeed(ctx);
  await feed.start();
  const handler = webHandler({ ctx, store: new WebStore(ctx.redis, ctx.keys), users, feed, secure: web.tls !== null });
  const onRequest = (req: Parameters<typeof handler>[0], res: Parameters<typeof handler>[1]) => void handler(req, res);
  const server: Server = web.tls
    ? createHttpsServer({ cert: readFileSync(web.tls.certFile), key: readFileSync(web.tls.keyFile) }, onRequest)
    : createHttpServer(onRequest);
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      void feed.stop();
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `the web port ${web.host}:${web.port} is taken (set VBC_WEB_PORT, or VBC_WEB_PORT=off to run no web service)`
            : `cannot listen for HTTP on ${web.host}:${web.port}: ${error.message}`,
        ),
      );
    });
    server.listen(web.port ?? 0, web.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : web.port;
  const url = `${web.tls ? 'https' : 'http'}://${web.host}:${port}`;
  ctx.logger.info({ url, users: users.size, tls: web.tls !== null }, 'web application listening');
  return {
    name: 'web',
    url,
    isReady: () => feed.ready,
    failed: new Promise<Error>(() => undefined),
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Live worklists hold their connections open: end them, or the close waits for ever.
        for (const s of sockets) s.destroy();
      });
      await feed.stop();
    },
  };
}
