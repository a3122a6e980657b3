#!/usr/bin/env node
// The operator CLI (`npx vbc ...`). Runs the TypeScript sources directly through tsx, so there is
// no build step to forget and no stale output to run.
// V8's young generation is sized per command, and is part of the product. A service's batches stay
// alive over several young-generation collections at the default size (16 MB), so most of what a
// batch allocates was copied and promoted; at 64 MB the claims path takes 10 to 20% less time per
// record (README, Performance). The importer wants the opposite: a small footprint (under 200 MB
// for a file of any size) at no cost in speed, which 8 MB gives, with a full collection now and
// then (--expose-gc: V8 would otherwise let dead batches pile up in the old generation). The option can only be given at
// start: the process replaces itself (execve: same pid, so a supervisor's signals still reach it)
// with one started with the command's options.
import { spawn, spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const NODE_MAJOR = 24;
// Two more bound the services' memory without a limit. V8 allocates straight into the old
// generation at the sites whose objects survived young collections before; a batch's claim facts
// and updates did (they wait on Redis with their unit), and there they outlived their batch until
// the next full collection: no pretenuring, for every service. And V8 lets the old generation grow
// to up to four times what survives while a process promotes fast: the claims service, which holds
// the most, has a full collection once it holds twice what survived the last one. With the fetch
// limit (consumer-service.ts) its peak RSS in `npm run bench` is 390 to 433 MB (571 to 595 without),
// its CPU per record within the spread of the runs; the ADT services keep V8's own growth, under
// which their alerts' p99 stayed lower (README, "Memory without a limit (stop 33)").
// By command, and by command and its first argument (`vbc run claims`): both apply.
const V8_OPTIONS = {
  run: ['--max-semi-space-size=64', '--no-allocation-site-pretenuring'],
  'run claims': ['--heap-growing-percent=100'],
  import: ['--max-semi-space-size=8', '--expose-gc'],
};
const [command, subject] = process.argv.slice(2);
const optionsOf = (key) => (Object.hasOwn(V8_OPTIONS, key) ? V8_OPTIONS[key] : []);
const wanted = [...optionsOf(command), ...optionsOf(`${command} ${subject}`)];
// VBC_HEAP_MB: the most heap a service may hold (V8's old generation), for hosts and containers with
// a memory limit: the services' memory then stays flat under any load instead of growing towards
// V8's default limit (a quarter of the machine's memory or more) before it collects.
const heapMb = process.env.VBC_HEAP_MB;
if (command === 'run' && heapMb) {
  if (!/^[1-9][0-9]{1,5}$/.test(heapMb)) {
    console.error(`vbc: VBC_HEAP_MB=${heapMb} must be a number of megabytes (at least 10)`);
    process.exit(1);
  }
  wanted.push(`--max-old-space-size=${heapMb}`);
}
const SELF = fileURLToPath(import.meta.url);
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
  const child = spawn(node, [...wanted, SELF, ...process.argv.slice(2)], { stdio: 'inherit' });
  // A signal to this process (SIGTERM to `vbc run all`) is the command's: handed on, not acted on here.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));
} else if (wanted.some((option) => !process.execArgv.includes(option))) {
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...wanted, SELF, ...process.argv.slice(2)]);
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
