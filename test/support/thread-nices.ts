import { readdirSync, readFileSync } from 'node:fs';

/** The nice value of every thread of a process (Linux /proc: the 19th field of each thread's stat). */
export function threadNices(pid: number | 'self'): number[] {
  return readdirSync(`/proc/${pid}/task`).map((thread) => {
    const stat = readFileSync(`/proc/${pid}/task/${thread}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}
