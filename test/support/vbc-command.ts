import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/vbc.mjs', import.meta.url));

/**
 * The command that runs `vbc ARGS` as `npx vbc` does: the script itself, which starts itself again
 * with the command's V8 options. With extra Node options (a profiler), node is called with these;
 * the script adds its own.
 */
export function vbcCommand(args: string[], nodeArgs: string[] = []): [string, string[]] {
  if (nodeArgs.length === 0) return [BIN, args];
  return ['node', [...nodeArgs, BIN, ...args]];
}
