import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cpuNiceFor } from '../../shared/service/cpu-priority.ts';

const MODULE = fileURLToPath(new URL('../../shared/service/cpu-priority.ts', import.meta.url));
const NICES = fileURLToPath(new URL('../support/thread-nices.ts', import.meta.url));

/** The nice value of every thread of a fresh Node process after it lowered its priority to `nice` (Linux /proc). */
function nicesAfterLowering(nice: number): number[] {
  const script = `
    import { Worker } from 'node:worker_threads';
    import { lowerCpuPriority } from ${JSON.stringify(MODULE)};
    import { threadNices } from ${JSON.stringify(NICES)};
    const worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
    await new Promise((r) => worker.once('online', r));
    lowerCpuPriority(${nice});
    console.log(JSON.stringify(threadNices('self')));
    await worker.terminate();
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as number[];
}

describe('CPU priority of a vbc run process', () => {
  it("takes the operator's setting, else the lowest of its services' own, else 0", () => {
    const claims = { cpuNice: 10 };
    const adt = {};
    expect(cpuNiceFor(null, [claims])).toBe(10);
    expect(cpuNiceFor(null, [claims, adt])).toBe(0);
    expect(cpuNiceFor(null, [])).toBe(0);
    expect(cpuNiceFor(5, [claims])).toBe(5);
    expect(cpuNiceFor(0, [claims])).toBe(0);
  });

  it.runIf(process.platform === 'linux')(
    'lowers every thread the process has, not only the main one (V8 collects garbage on its own threads)',
    () => {
      const nices = nicesAfterLowering(7);
      expect(nices.length).toBeGreaterThan(4);
      expect(nices.every((n) => n === 7)).toBe(true);
    },
  );
});
