#!/usr/bin/env node
// The operator CLI (`npx vbc ...`). Runs the TypeScript sources directly through tsx, so there is
// no build step to forget and no stale output to run.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../services/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
