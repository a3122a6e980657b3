import { createServer, type Server } from 'node:http';
import type { Logger } from '../logging/logger.ts';
import type { MetricsRegistry } from './registry.ts';

export interface Readiness {
  ready: boolean;
  detail: string;
}

/**
 * The operational endpoints of a service process: `/metrics` (Prometheus text), `/healthz` (the
 * process answers) and `/readyz` (every consumer joined its group and Redis answers: 200, else 503).
 * A port already taken is reported and the process carries on without them.
 */
export function startOpsServer(
  host: string,
  port: number,
  registry: MetricsRegistry,
  readiness: () => Promise<Readiness>,
  logger: Logger,
): Promise<Server | null> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      registry.render().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (e: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(e as Error).message}\n`),
      );
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      readiness().then(
        (r) => res.writeHead(r.ready ? 200 : 503, { 'content-type': 'text/plain' }).end(`${r.detail}\n`),
        (e: unknown) => res.writeHead(503, { 'content-type': 'text/plain' }).end(`${(e as Error).message}\n`),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      logger.warn({ port, code: error.code }, 'metrics and health endpoints not started: the port is not free');
      resolve(null);
    });
    server.listen(port, host, () => {
      logger.info({ host, port }, 'metrics on /metrics, health on /healthz and /readyz');
      resolve(server);
    });
  });
}
