import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vbc } from './vbc-cli.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The product contract (README, examples, checker): VBC_CONTRACT_DIR when set; else `../shared/contract`
 * beside this checkout; else beside the checkout this one was cloned from (a clone made elsewhere,
 * `git clone . /tmp/x`, has no ../shared of its own). None found: the path beside this checkout,
 * so the tests that read it fail naming it.
 */
function contractDir(): string {
  if (process.env.VBC_CONTRACT_DIR) return resolve(process.env.VBC_CONTRACT_DIR);
  const beside = resolve(ROOT, '../shared/contract');
  if (existsSync(beside)) return beside;
  const origin = spawnSync('git', ['config', '--get', 'remote.origin.url'], {
    cwd: ROOT,
    encoding: 'utf8',
  }).stdout.trim();
  if (origin && isAbsolute(origin)) {
    const besideOrigin = resolve(origin, '../shared/contract');
    if (existsSync(besideOrigin)) return besideOrigin;
  }
  return beside;
}

export const CONTRACT = contractDir();
/** The contract's example scenarios and expected exports. */
export const EXAMPLES = `${join(CONTRACT, 'examples')}/`;
const CHECKER = join(CONTRACT, 'check-export.py');

/**
 * The contract's procedure through the CLI with these settings: reset, replay, reconcile when the
 * expected export sets asOf, export (into `work`), then check-export.py. Returns what the checker said.
 */
export function runScenario(
  env: Record<string, string>,
  scenarioFile: string,
  expectedFile: string,
  work: string,
): string {
  const expected = JSON.parse(readFileSync(expectedFile, 'utf8')) as { asOf: string | null };
  vbc(env, 'reset');
  vbc(env, 'replay', scenarioFile);
  if (expected.asOf) vbc(env, 'reconcile', '--as-of', expected.asOf);
  const actual = join(work, 'actual.json');
  writeFileSync(actual, vbc(env, 'export'));
  return checkExport(expectedFile, actual);
}

/** What check-export.py says of an export file against an expected one. */
export function checkExport(expectedFile: string, actualFile: string): string {
  const check = spawnSync('python3', [CHECKER, expectedFile, actualFile], { encoding: 'utf8' });
  return `${check.stdout}${check.stderr}`.trim();
}
