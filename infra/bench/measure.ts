import { readFileSync } from 'node:fs';
import type { Admin } from 'kafkajs';
import { groupLag } from '../../services/cli/catch-up.ts';

/**
 * Throughput of a consumer group over topics, measured the same way for every contender: poll the
 * group's committed lag; the clock runs from the first commit to the poll that finds no lag, and
 * counts the records committed in between. `cpuSeconds` reads the contender's CPU time: what it
 * used per record over the same span is reported too, a figure that moves less than records per
 * second when other work on the machine takes turns on the cores. Both are read at commits, which
 * trail the work by up to a batch: on a run of a few batches (BENCH_CLAIMS=50000) they mean little.
 */
export async function measureGroup(
  admin: Admin, groupId: string, topics: string[], total: number, cpuSeconds: () => number, check: () => void = () => undefined, timeoutMs = 900_000,
): Promise<{ perSec: number; seconds: number; cpuMicrosPerRecord: number }> {
  const deadline = Date.now() + timeoutMs;
  let first: { at: number; done: number; cpu: number } | null = null;
  for (;;) {
    check();
    const lag = await groupLag(admin, groupId, topics);
    const done = total - lag;
    const now = Date.now();
    if (first === null && done > 0) first = { at: now, done, cpu: cpuSeconds() };
    if (lag === 0 && first !== null) {
      const seconds = Math.max(0.001, (now - first.at) / 1000);
      const records = Math.max(1, total - first.done);
      return { perSec: Math.round(records / seconds), seconds, cpuMicrosPerRecord: Math.round(((cpuSeconds() - first.cpu) * 1e7) / records) / 10 };
    }
    if (now > deadline) throw new Error(`group ${groupId} still has ${lag} records to go after ${timeoutMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** CPU time (user and system) a process has used so far, in seconds, from /proc (Linux). */
export function processCpuSeconds(pid: number): number {
  // Fields after the command name (which may hold spaces), from the third on: utime and stime are the 14th and 15th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** The kernel's clock ticks per second for /proc times (USER_HZ): 100 on Linux. */
const CLOCK_TICKS = 100;

/** This process's CPU time so far, in seconds. */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** Peak resident memory of a process, from /proc (Linux). */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}
