import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const STACK = fileURLToPath(new URL('../../infra/stack.sh', import.meta.url));

/**
 * A local stack of a test file's own (infra/stack.sh with VBC_STACK_INSTANCE): its own ports, data
 * and logs, the installs shared. For tests that restart or reconfigure Kafka and Redis, which the
 * shared stack serving the other test files at the same time must not see. `settings` are the
 * stack's environment (instance name, ports, VBC_STACK_SECURE...).
 */
export function ownStack(settings: Record<string, string> & { VBC_STACK_INSTANCE: string }) {
  const dir = join(process.env.VBC_STATE_DIR ?? join(homedir(), '.cache/vbc'), 'instances', settings.VBC_STACK_INSTANCE);
  const run = (...args: string[]) => {
    const r = spawnSync('bash', [STACK, ...args], { env: { ...process.env, ...settings }, encoding: 'utf8', timeout: 150_000 });
    if (r.status !== 0) throw new Error(`stack.sh ${args.join(' ')} failed: ${r.stderr}`);
  };
  return {
    /** The instance's directory (its run/, logs/ and data/). */
    dir,
    run,
    /** Stops it and removes everything it wrote. */
    remove() {
      run('down');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
