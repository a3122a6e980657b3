import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/vbc.mjs', import.meta.url));

/**
 * The command that runs `vbc ARGS` as `npx vbc` does: the script itself, so the Node options on
 * its first line (`#!/usr/bin/env -S node ...`) apply as they do for users. With extra Node
 * options (a profiler), node is called with the script's own options and these.
 */
export function vbcCommand(args: string[], nodeArgs: string[] = []): [string, string[]] {
  if (nodeArgs.length === 0) return [BIN, args];
  const own = readFileSync(BIN, 'utf8')
    .split('\n', 1)[0]!
    .split(/\s+/)
    .filter((a) => a.startsWith('--'));
  return ['node', [...own, ...nodeArgs, BIN, ...args]];
}
