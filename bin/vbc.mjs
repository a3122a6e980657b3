#!/usr/bin/env node
// The operator CLI (`npx vbc ...`). Runs the TypeScript sources directly through tsx, so there is
// no build step to forget and no stale output to run.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../services/cli/main.ts');
const code = await main(process.argv.slice(2));
// A failed command has said its one line: exit now rather than wait for a client's retry timers.
if (code !== 0) process.exit(code);
process.exitCode = code;
