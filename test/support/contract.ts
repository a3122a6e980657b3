import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vbc } from './vbc-cli.ts';

/** The contract's example scenarios and expected exports (../shared/contract). */
export const EXAMPLES = fileURLToPath(new URL('../../../shared/contract/examples/', import.meta.url));
const CHECKER = fileURLToPath(new URL('../../../shared/contract/check-export.py', import.meta.url));

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
