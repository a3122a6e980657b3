import { readFileSync } from 'node:fs';
import type { Admin } from 'kafkajs';
import { groupLag } from '../../services/cli/catch-up.ts';

/**
 * Throughput of a consumer group over topics, measured the same way for every contender: poll the
 * group's committed lag; the clock runs from the first commit to the poll that finds no lag, and
 * counts the records committed in between.
 */
export async function measureGroup(admin: Admin, groupId: string, topics: string[], total: number, check: () => void = () => undefined, timeoutMs = 900_000): Promise<{ perSec: number; seconds: number }> {
  const deadline = Date.now() + timeoutMs;
  let first: { at: number; done: number } | null = null;
  for (;;) {
    check();
    const lag = await groupLag(admin, groupId, topics);
    const done = total - lag;
    const now = Date.now();
    if (first === null && done > 0) first = { at: now, done };
    if (lag === 0 && first !== null) {
      const seconds = Math.max(0.001, (now - first.at) / 1000);
      return { perSec: Math.round((total - first.done) / seconds), seconds };
    }
    if (now > deadline) throw new Error(`group ${groupId} still has ${lag} records to go after ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Peak resident memory of a process, from /proc (Linux). */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}
