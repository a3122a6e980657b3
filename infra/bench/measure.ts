import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { groupLag } from '../../services/cli/catch-up.ts';
import { STATE } from '../../test/support/own-stack.ts';

/** Reads a CPU time in seconds (a process's, Redis's, the whole machine's); null when it cannot be read here. */
export type CpuMeter = () => number | null | Promise<number | null>;

/** Every meter read at once: CPU seconds so far, or null where one cannot be read. */
export async function readMeters<M extends string>(meters: Record<M, CpuMeter>): Promise<Record<M, number | null>> {
  const entries = Object.entries(meters) as [M, CpuMeter][];
  return Object.fromEntries(
    await Promise.all(entries.map(async ([name, meter]) => [name, await meter()] as const)),
  ) as Record<M, number | null>;
}

/** Each meter's CPU between two readings, in µs per record (unrounded; null where either reading is). */
export function microsPerRecordBetween<M extends string>(
  from: Record<M, number | null>,
  to: Record<M, number | null>,
  records: number,
): Record<M, number | null> {
  const out = {} as Record<M, number | null>;
  for (const name of Object.keys(from) as M[]) {
    const [a, b] = [from[name], to[name]];
    out[name] = a == null || b == null ? null : ((b - a) * 1e6) / records;
  }
  return out;
}

/**
 * Throughput of a consumer group over topics, measured the same way for every contender: poll the
 * group's committed lag; the clock runs from the first commit to the poll that finds no lag, and
 * counts the records committed in between. `cpu` reads the contender's CPU time: what it used per
 * record over the same span is reported too, a figure that moves less than records per second when
 * other work on the machine takes turns on the cores. `meters` are read at the same two moments
 * (Redis, the broker, the whole machine): where the rest of the machine's CPU went per record.
 * All are read at commits, which trail the work by up to a batch: on a run of a few batches
 * (BENCH_CLAIMS=50000) they mean little.
 */
export async function measureGroup<M extends string>(
  admin: Admin,
  groupId: string,
  topics: string[],
  total: number,
  {
    cpu,
    meters,
    check = () => undefined,
    timeoutMs = 900_000,
  }: { cpu: CpuMeter; meters: Record<M, CpuMeter>; check?: () => void; timeoutMs?: number },
): Promise<{ perSec: number; seconds: number; cpuMicrosPerRecord: number; microsPerRecord: Record<M, number | null> }> {
  const all: Record<string, CpuMeter> = { ...meters, contender: cpu };
  const read = () => readMeters(all);
  const deadline = Date.now() + timeoutMs;
  let first: { at: number; done: number; cpu: Record<string, number | null> } | null = null;
  for (;;) {
    check();
    const lag = await groupLag(admin, groupId, topics);
    const done = total - lag;
    const now = Date.now();
    if (first === null && done > 0) first = { at: now, done, cpu: await read() };
    if (lag === 0 && first !== null) {
      const seconds = Math.max(0.001, (now - first.at) / 1000);
      const records = Math.max(1, total - first.done);
      const spent = microsPerRecordBetween(first.cpu, await read(), records);
      const perRecord = (name: string) => {
        const micros = spent[name];
        return micros == null ? null : Math.round(micros * 10) / 10;
      };
      const others = Object.fromEntries(Object.keys(meters).map((name) => [name, perRecord(name)])) as Record<
        M,
        number | null
      >;
      return {
        perSec: Math.round(records / seconds),
        seconds,
        cpuMicrosPerRecord: perRecord('contender')!,
        microsPerRecord: others,
      };
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

/**
 * CPU time this whole machine has used so far (every core, every process), in seconds, from
 * /proc/stat: all time but idle and waiting for I/O. Null where there is no /proc.
 */
export function machineCpuSeconds(): number | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 8).map(Number);
    const [user, nice, system, , , irq, softirq] = fields as number[];
    return (user! + nice! + system! + irq! + softirq!) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/**
 * A process of the local stack (infra/stack.sh records their pids), when it runs on this machine:
 * its CPU time meter, else null (a stack elsewhere, or not started by the script).
 */
export function stackProcessMeter(name: 'kafka' | 'redis' | 'registry'): CpuMeter {
  const instance = process.env.VBC_STACK_INSTANCE ? join(STATE, 'instances', process.env.VBC_STACK_INSTANCE) : STATE;
  return () => {
    try {
      return processCpuSeconds(Number(readFileSync(join(instance, 'run', `${name}.pid`), 'utf8').trim()));
    } catch {
      return null;
    }
  };
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
