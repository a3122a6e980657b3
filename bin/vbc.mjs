#!/usr/bin/env -S node --max-semi-space-size=64
// The operator CLI (`npx vbc ...`). Runs the TypeScript sources directly through tsx, so there is
// no build step to forget and no stale output to run.
// The Node option on the first line is part of the product: a service's batches stay alive over
// several young-generation collections at the default size (16 MB), so most of what a batch
// allocates was copied and promoted; at 64 MB the claims path takes 10 to 20% less time per
// record (README, Performance). It can only be given at start, hence here; run this file itself
// (`npx vbc`, `bin/vbc.mjs`), not `node bin/vbc.mjs`, to have it.
import { spawn, spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const NODE_MAJOR = 24;
if (Number(process.versions.node.split('.')[0]) < NODE_MAJOR) {
  // An older Node (Node 20 is past its end of life): run this command on Node 24, which
  // infra/node.sh installs from the npm registry into the cache once and reuses afterwards.
  const script = fileURLToPath(new URL('../infra/node.sh', import.meta.url));
  const found = spawnSync('bash', ['-c', `source "${script}" >&2 && command -v node`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const node = found.stdout.trim();
  if (found.status !== 0 || !node) {
    console.error(
      `vbc: needs Node.js ${NODE_MAJOR} (this is ${process.version}) and could not install it; install Node ${NODE_MAJOR} LTS`,
    );
    process.exit(1);
  }
  const child = spawn(node, ['--max-semi-space-size=64', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  // A signal to this process (SIGTERM to `vbc run all`) is the command's: handed on, not acted on here.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));
} else {
  // kafkajs 2.2.4's request queue can ask for a timer with a negative delay, which Node clamps to
  // 1 ms and, since Node 24, reports as a TimeoutNegativeWarning on stderr: harmless, and noise in
  // every service log. Other warnings are printed as Node prints them.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name !== 'TimeoutNegativeWarning')
      process.stderr.write(`${warning.stack ?? `${warning.name}: ${warning.message}`}\n`);
  });
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../services/cli/main.ts');
  const code = await main(process.argv.slice(2));
  // A command that is done exits now: a client's retry timers or a socket left behind by a broker
  // that went away must not keep the process (or a graceful shutdown) waiting. But not before its
  // output is delivered: writes to a pipe are asynchronous, and exiting with some still queued cut
  // `vbc export | jq` at 64 KiB. A write's callback runs once every write before it has reached the
  // pipe, so an empty write on each stream tells when all of it has (a reader that went away ends the
  // wait too).
  await Promise.all(
    [process.stdout, process.stderr].map(
      (stream) =>
        new Promise((resolve) => {
          stream.once('error', resolve);
          stream.write('', resolve);
        }),
    ),
  );
  process.exit(code);
}
