import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const STACK = fileURLToPath(new URL('../../infra/stack.sh', import.meta.url));
/** Where infra/stack.sh keeps installs and each stack's pids, logs and data (its VBC_STATE_DIR). */
export const STATE = process.env.VBC_STATE_DIR || join(homedir(), '.cache/vbc');
/** Held by the test file whose own stack is up: two at once, beside the shared stack, overloaded 2 cores. */
const LOCK = join(STATE, 'instances', '.own-stack.lock');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until no other test process has its own stack up (a holder that died leaves no lock). */
async function acquire(): Promise<void> {
  mkdirSync(join(STATE, 'instances'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      return;
    } catch {
      let holder = 0;
      try {
        holder = Number(readFileSync(join(LOCK, 'pid'), 'utf8')) || 0;
      } catch {
        // being taken (no pid written yet) or released meanwhile: look again
      }
      if (holder > 0 && !alive(holder)) rmSync(LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * A local stack of a test file's own (infra/stack.sh with VBC_STACK_INSTANCE): its own ports, data
 * and logs, the installs shared. For tests that restart or reconfigure Kafka and Redis, which the
 * shared stack serving the other test files at the same time must not see. `settings` are the
 * stack's environment (instance name, ports, VBC_STACK_SECURE...).
 */
export function ownStack(settings: Record<string, string> & { VBC_STACK_INSTANCE: string }) {
  const dir = join(STATE, 'instances', settings.VBC_STACK_INSTANCE);
  const run = (...args: string[]) => {
    const r = spawnSync('bash', [STACK, ...args], {
      env: { ...process.env, ...settings },
      encoding: 'utf8',
      timeout: 150_000,
    });
    if (r.status !== 0) throw new Error(`stack.sh ${args.join(' ')} failed: ${r.stderr}`);
  };
  return {
    /** The instance's directory (its run/, logs/ and data/). */
    dir,
    run,
    /** Starts it, once no other test file has a stack of its own up. */
    async up() {
      await acquire();
      run('up');
    },
    /** Stops it, removes everything it wrote, and lets the next file start its own. */
    remove() {
      try {
        run('down');
        rmSync(dir, { recursive: true, force: true });
      } finally {
        rmSync(LOCK, { recursive: true, force: true });
      }
    },
  };
}
