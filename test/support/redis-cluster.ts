import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLUSTER_SCRIPT = fileURLToPath(new URL('../../infra/redis/cluster.sh', import.meta.url));

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** Six consecutive ports free, and their cluster bus ports (+10000) too. */
async function freeBase(): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 9_000);
    const ports = [0, 1, 2, 3, 4, 5].flatMap((i) => [base + i, base + 10_000 + i]);
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return base;
  }
}

/** A local Redis Cluster of this test's own (3 primaries, 3 replicas; infra/redis/cluster.sh). */
export interface LocalCluster {
  /** REDIS_CLUSTER_NODES for the product. */
  nodes: string;
  base: number;
  dir: string;
  stop(): void;
}

export async function startRedisCluster(): Promise<LocalCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'vbc-redis-cluster-'));
  const base = await freeBase();
  const up = spawnSync('bash', [CLUSTER_SCRIPT, 'up', dir, String(base)], { encoding: 'utf8', timeout: 120_000 });
  if (up.status !== 0) throw new Error(`the Redis Cluster did not start: ${up.stderr}`);
  return {
    nodes: up.stdout.trim().split('\n').at(-1)!,
    base,
    dir,
    stop: () => {
      spawnSync('bash', [CLUSTER_SCRIPT, 'down', dir], { timeout: 60_000 });
    },
  };
}
