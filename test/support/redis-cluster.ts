import { execFileSync, spawnSync } from 'node:child_process';
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

/** One node of the cluster as `cluster nodes` lists it. */
export interface ClusterNode {
  id: string;
  port: number;
  flags: string;
  /** Slot ranges it serves ("0-5460"), and slots in migration ("[42->-id]"). */
  slots: string[];
}

const redisCli = (port: number, ...args: string[]) =>
  execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).trim();

/** The cluster's nodes as the node at `askPort` sees them. */
export function clusterNodes(askPort: number): ClusterNode[] {
  return redisCli(askPort, 'cluster', 'nodes')
    .split('\n')
    .map((line) => {
      const f = line.split(' ');
      return { id: f[0]!, port: Number(f[1]!.split(':')[1]!.split('@')[0]), flags: f[2]!, slots: f.slice(8) };
    });
}

/** The hash slot a key belongs to. */
export const keySlot = (port: number, key: string) => Number(redisCli(port, 'cluster', 'keyslot', key));

/** How many keys a node holds in a slot. */
export const keysInSlot = (node: ClusterNode, slot: number) =>
  Number(redisCli(node.port, 'cluster', 'countkeysinslot', String(slot)));

/** Whether a primary's slot ranges include `slot`. */
export const serves = (node: ClusterNode, slot: number) =>
  node.slots.some((range) => {
    const [from, to = from] = range.split('-').map(Number);
    return !range.startsWith('[') && slot >= from! && slot <= to!;
  });

/**
 * Moves one slot from its primary to another while clients keep writing, as `redis-cli --cluster
 * reshard` does, but slowly: a few keys per MIGRATE with a pause between, so the slot stays half
 * moved for a while and clients meet ASK redirections and TRYAGAIN (a script whose keys are split
 * between the two primaries). No REPLACE: a key the target already holds would be a lost write, and
 * MIGRATE then fails the test instead of overwriting it. Returns how many keys moved.
 */
export async function migrateSlot(
  slot: number,
  from: ClusterNode,
  to: ClusterNode,
  primaries: ClusterNode[],
  { keysPerStep = 5, pauseMs = 20 } = {},
): Promise<number> {
  redisCli(to.port, 'cluster', 'setslot', String(slot), 'importing', from.id);
  redisCli(from.port, 'cluster', 'setslot', String(slot), 'migrating', to.id);
  let moved = 0;
  for (;;) {
    const keys = redisCli(from.port, 'cluster', 'getkeysinslot', String(slot), String(keysPerStep))
      .split('\n')
      .filter(Boolean);
    if (keys.length === 0) break;
    const reply = redisCli(from.port, 'migrate', '127.0.0.1', String(to.port), '', '0', '5000', 'keys', ...keys);
    if (reply !== 'OK' && reply !== 'NOKEY') throw new Error(`MIGRATE of slot ${slot} said: ${reply}`);
    moved += keys.length;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  // The new owner first, then the old one (which then redirects with MOVED), then the rest.
  for (const node of [to, from, ...primaries.filter((p) => p.id !== to.id && p.id !== from.id)])
    redisCli(node.port, 'cluster', 'setslot', String(slot), 'node', to.id);
  return moved;
}
