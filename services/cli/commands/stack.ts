import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from './command.ts';

const STACK_SCRIPT = fileURLToPath(new URL('../../../infra/stack.sh', import.meta.url));

/** Runs infra/stack.sh with the caller's terminal; resolves to its exit code. */
export function runStackScript(action: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('bash', [STACK_SCRIPT, action], { stdio: 'inherit' });
    child.on('exit', (code) => resolve(code ?? 1));
    child.on('error', () => resolve(1));
  });
}

export const stackCommand: Command = {
  usage: 'stack up|down|status',
  summary: 'start, stop or check the local Kafka, schema registry and Redis (no Docker)',
  help: `up      install what is missing (cached under VBC_STATE_DIR, default ~/.cache/vbc) and start
        Kafka (KRaft), the schema registry and Redis; idempotent; returns when all three answer
down    stop the processes 'up' started (by pid), and nothing else
status  exit 0 when all three answer, else name the part that does not`,
  positionals: 1,
  async run(input) {
    const action = input.positionals[0];
    if (action !== 'up' && action !== 'down' && action !== 'status' && action !== 'install') {
      console.error("vbc stack: say 'up', 'down' or 'status'");
      return 2;
    }
    return runStackScript(action);
  },
};
