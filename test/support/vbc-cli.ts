import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ServiceProcess, waitUntil } from './service-process.ts';
import { vbcCommand } from './vbc-command.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `vbc ARGS` as an operator would, with these settings on top of the environment. */
export function runVbc(env: Record<string, string>, ...args: string[]): CliResult {
  const [command, argv] = vbcCommand(args);
  const r = spawnSync(command, argv, {
    env: { ...process.env, ...env },
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 170_000,
    maxBuffer: 512 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `vbc ARGS` and returns its stdout; throws with its stderr when it fails. */
export function vbc(env: Record<string, string>, ...args: string[]): string {
  const r = runVbc(env, ...args);
  if (r.status !== 0) throw new Error(`vbc ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** Starts `vbc run all` and waits until `vbc status` says every service runs and is caught up. */
export async function startAllServices(env: Record<string, string>, logFile: string): Promise<ServiceProcess> {
  const services = new ServiceProcess('all', env, logFile);
  try {
    await waitUntil(
      () => {
        if (services.exited) throw new Error(`services exited; their log ends:\n${services.logTail()}`);
        return runVbc(env, 'status').status === 0;
      },
      'the services to start',
      150_000,
      1000,
    );
  } catch (error) {
    await services.stop('SIGKILL').catch(() => undefined);
    throw error;
  }
  return services;
}

/** `vbc replay FILE` in the background, as an operator's publish under way; resolves with its exit. */
export function replayInBackground(
  env: Record<string, string>,
  file: string,
  options: { rate?: number; report: string },
): Promise<{ code: number | null; stderr: string }> {
  const [command, args] = vbcCommand([
    'replay',
    file,
    '--report',
    options.report,
    '--timeout',
    '170',
    ...(options.rate ? ['--rate', String(options.rate)] : []),
  ]);
  const child = spawn(command, args, { env: { ...process.env, ...env }, cwd: ROOT });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}
