import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkExport, EXAMPLES, runScenario as runContractScenario } from '../support/contract.ts';
import { isolatedEnv } from '../support/isolated.ts';
import type { ServiceProcess } from '../support/service-process.ts';
import { runVbc, startAllServices, vbc as runIn } from '../support/vbc-cli.ts';

const env = isolatedEnv('examples');
const work = mkdtempSync(join(tmpdir(), 'vbc-e2e-'));
const vbc = (...args: string[]) => runIn(env, ...args);

const runScenario = (scenarioFile: string, expectedFile: string) =>
  runContractScenario(env, scenarioFile, expectedFile, work);

/** The same lines regrouped by topic, the order inside each topic kept. */
function regrouped(name: string, firstTopics: string[]): string {
  const lines = readFileSync(join(EXAMPLES, `${name}.ndjson`), 'utf8')
    .split('\n')
    .filter((l) => l.trim());
  const rank = (l: string) => {
    const i = firstTopics.indexOf(JSON.parse(l).topic as string);
    return i === -1 ? firstTopics.length : i;
  };
  const file = join(work, `${name}-${firstTopics.join('-')}.ndjson`);
  writeFileSync(file, `${[...lines].sort((a, b) => rank(a) - rank(b)).join('\n')}\n`);
  return file;
}

let services: ServiceProcess;

/** Every example in ../shared/contract/examples, by name: a new one is in the suite without a change here. */
const NAMES = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.expected.json'))
  .map((f) => f.slice(0, -'.expected.json'.length))
  .sort();
/** The topics each example is regrouped by (put first), to show arrival order across topics does not matter. */
const TOPICS = ['claims', 'admissions', 'discharges'];

describe('contract examples through npx vbc (reset, replay, reconcile, export, check-export.py)', () => {
  beforeAll(async () => {
    services = await startAllServices(env, join(work, 'services.log'));
  });

  afterAll(async () => {
    await services?.stop('SIGTERM');
  });

  it('runs every example of the contract (readmissions-and-aco-totals, episode-and-reconciliation, transitions-and-team at least)', () => {
    expect(NAMES).toEqual(
      expect.arrayContaining(['readmissions-and-aco-totals', 'episode-and-reconciliation', 'transitions-and-team']),
    );
  });

  it.each(NAMES)('%s matches its expected export', (name) => {
    expect(runScenario(join(EXAMPLES, `${name}.ndjson`), join(EXAMPLES, `${name}.expected.json`))).toBe(
      'export matches',
    );
  });

  it.each(NAMES.flatMap((name) => TOPICS.map((topic) => [name, topic] as const)))(
    '%s regrouped with %s first gives the same export',
    (name, first) => {
      expect(runScenario(regrouped(name, [first]), join(EXAMPLES, `${name}.expected.json`))).toBe('export matches');
    },
  );

  it.each(NAMES)('%s replayed twice changes nothing (idempotence) and still matches', (name) => {
    const expected = join(EXAMPLES, `${name}.expected.json`);
    const { asOf } = JSON.parse(readFileSync(expected, 'utf8')) as { asOf: string | null };
    vbc('reset');
    vbc('replay', join(EXAMPLES, `${name}.ndjson`));
    const first = vbc('export');
    vbc('replay', join(EXAMPLES, `${name}.ndjson`));
    expect(JSON.parse(vbc('export'))).toEqual(JSON.parse(first));
    if (asOf) vbc('reconcile', '--as-of', asOf);
    const actual = join(work, `${name}-twice.json`);
    writeFileSync(actual, vbc('export'));
    expect(checkExport(expected, actual)).toBe('export matches');
  });

  it('bad lines are reported with their line number and the rest is processed', () => {
    const file = join(work, 'bad.ndjson');
    writeFileSync(
      file,
      [
        '{"topic": "claims", "value": {"claimId": "B1", "claimControlNumber": "N", "adjustmentType": "ORIGINAL", "mbi": "1CC0CC0CC01", "claimType": "PROFESSIONAL", "fromDate": "2026-02-01", "thruDate": "2026-02-01", "paidAmountCents": 100}}',
        'not json',
        '{"topic": "claims", "value": {"claimId": "B2", "claimControlNumber": "N", "adjustmentType": "ORIGINAL", "mbi": "1CC0CC0CC01", "claimType": "PROFESSIONAL", "fromDate": "2026-02-05", "thruDate": "2026-02-01", "paidAmountCents": 100}}',
        '{"topic": "attribution", "value": {"mbi": "1CC0CC0CC01", "acoId": "A7", "effectiveFrom": "2026-01-01"}}',
      ].join('\n'),
    );
    vbc('reset');
    const r = runVbc(env, 'replay', file);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`${file}:2: not valid JSON`);
    expect(r.stderr).toContain(`${file}:3: thruDate is before fromDate`);
    expect(JSON.parse(vbc('export')).acos).toMatchObject([{ acoId: 'A7', expenditureCents: 100, claimRecords: 1 }]);
  });
});
