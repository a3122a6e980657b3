#!/usr/bin/env node
// The operator CLI (`npx vbc ...`). Runs the TypeScript sources directly through tsx, so there is
// no build step to forget and no stale output to run.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../services/cli/main.ts');
const code = await main(process.argv.slice(2));
// A command that is done exits now: a client's retry timers or a socket left behind by a broker
// that went away must not keep the process (or a graceful shutdown) waiting. Output written to
// stdout and stderr is already flushed (synchronous on files and pipes on Linux).
process.exit(code);
