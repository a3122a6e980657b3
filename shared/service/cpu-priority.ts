import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import type { ServiceSpec } from './service-spec.ts';

/**
 * The nice value of a `vbc run` process: the operator's (VBC_CPU_NICE) when set; otherwise the
 * lowest of its consumer services' own (ServiceSpec.cpuNice), so a process that also runs a service
 * people wait on does not yield; 0 with none (the gateway and the web application answer people).
 */
export function cpuNiceFor(configured: number | null, services: readonly Pick<ServiceSpec, 'cpuNice'>[]): number {
  if (configured !== null) return configured;
  if (services.length === 0) return 0;
  return Math.min(...services.map((s) => s.cpuNice ?? 0));
}

/**
 * Lowers this process's CPU priority to `nice`, for every thread it has: on Linux a nice value
 * belongs to a thread, and V8's collector and libuv's pool run on threads of their own, started
 * before this is called (threads started later take the value of the thread that starts them).
 * Never raises a priority (that needs privileges): a thread already nicer keeps its value.
 */
export function lowerCpuPriority(nice: number): void {
  let threads: number[];
  try {
    threads = readdirSync('/proc/self/task').map(Number);
  } catch {
    threads = [0]; // no /proc: the calling thread, which is the main one
  }
  for (const thread of threads) {
    try {
      if (getPriority(thread) < nice) setPriority(thread, nice);
    } catch {
      // A thread that ended meanwhile.
    }
  }
}
