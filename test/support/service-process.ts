import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { vbcCommand } from './vbc-command.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A `vbc run <service>` process of its own, so a test can kill it like a crash would (SIGKILL). */
export class ServiceProcess {
  readonly child: ChildProcess;

  constructor(
    which: string,
    env: Record<string, string>,
    readonly logFile: string,
    nodeArgs: string[] = [],
  ) {
    // Logs go to a file: an unread pipe would fill up and block the service's synchronous logger.
    const log = openSync(logFile, 'a');
    const [command, args] = vbcCommand(['run', which], nodeArgs);
    this.child = spawn(command, args, { env: { ...process.env, ...env }, cwd: ROOT, stdio: ['ignore', 'ignore', log] });
    closeSync(log);
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  logTail(): string {
    return readFileSync(this.logFile, 'utf8').slice(-3000);
  }

  /** Sends a signal and waits for the exit; returns the exit code (null when killed by the signal). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<number | null> {
    if (this.exited) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.kill(signal);
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs));
    const result = await Promise.race([exited, timer]);
    if (result === 'timeout') {
      this.child.kill('SIGKILL');
      throw new Error(`service did not exit within ${timeoutMs} ms of ${signal}`);
    }
    return result;
  }
}

/** Polls until the check returns true; fails with `what` after the timeout. */
export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 120_000,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
