import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, runScenario as runContractScenario } from '../support/contract.ts';
import { isolatedEnv } from '../support/isolated.ts';
import type { ServiceProcess } from '../support/service-process.ts';
import { runVbc, startAllServices, vbc as runIn } from '../support/vbc-cli.ts';

const env = isolatedEnv('examples');
const work = mkdtempSync(join(tmpdir(), 'vbc-e2e-'));
const vbc = (...args: string[]) => runIn(env, ...args);

const runScenario = (scenarioFile: string, expectedFile: string) => runContractScenario(env, scenarioFile, expectedFile, work);

/** The same lines regrouped by topic, the order inside each topic kept. */
function regrouped(name: string, firstTopics: string[]): string {
  const lines = readFileSync(join(EXAMPLES, `${name}.ndjson`), 'utf8').split('\n').filter((l) => l.trim());
  const rank = (l: string) => {
    const i = firstTopics.indexOf(JSON.parse(l).topic as string);
    return i === -1 ? firstTopics.length : i;
  };
  const file = join(work, `${name}-${firstTopics.join('-')}.ndjson`);
  writeFileSync(file, `${[...lines].sort((a, b) => rank(a) - rank(b)).join('\n')}\n`);
  return file;
}

let services: ServiceProcess;

describe('contract examples through npx vbc (reset, replay, reconcile, export, check-export.py)', () => {
  beforeAll(async () => {
    services = await startAllServices(env, join(work, 'services.log'));
  });

  afterAll(async () => {
    await services?.stop('SIGTERM');
  });

  for (const name of ['readmissions-and-aco-totals', 'episode-and-reconciliation']) {
    it(`${name} matches its expected export`, () => {
      expect(runScenario(join(EXAMPLES, `${name}.ndjson`), join(EXAMPLES, `${name}.expected.json`))).toBe('export matches');
    });
  }

  it.each([
    ['readmissions-and-aco-totals', ['discharges']],
    ['readmissions-and-aco-totals', ['admissions']],
    ['episode-and-reconciliation', ['claims']],
    ['episode-and-reconciliation', ['discharges']],
  ])('%s regrouped with %s first gives the same export', (name, first) => {
    expect(runScenario(regrouped(name, first), join(EXAMPLES, `${name}.expected.json`))).toBe('export matches');
  });

  it('replaying the same file twice changes nothing (idempotence)', () => {
    const name = 'readmissions-and-aco-totals';
    vbc('reset');
    vbc('replay', join(EXAMPLES, `${name}.ndjson`));
    const first = vbc('export');
    vbc('replay', join(EXAMPLES, `${name}.ndjson`));
    expect(JSON.parse(vbc('export'))).toEqual(JSON.parse(first));
  });

  it('bad lines are reported with their line number and the rest is processed', () => {
    const file = join(work, 'bad.ndjson');
    writeFileSync(file, [
      '{"topic": "claims", "value": {"claimId": "B1", "claimControlNumber": "N", "adjustmentType": "ORIGINAL", "mbi": "1CC0CC0CC01", "claimType": "PROFESSIONAL", "fromDate": "2026-02-01", "thruDate": "2026-02-01", "paidAmountCents": 100}}',
      'not json',
      '{"topic": "claims", "value": {"claimId": "B2", "claimControlNumber": "N", "adjustmentType": "ORIGINAL", "mbi": "1CC0CC0CC01", "claimType": "PROFESSIONAL", "fromDate": "2026-02-05", "thruDate": "2026-02-01", "paidAmountCents": 100}}',
      '{"topic": "attribution", "value": {"mbi": "1CC0CC0CC01", "acoId": "A7", "effectiveFrom": "2026-01-01"}}',
    ].join('\n'));
    vbc('reset');
    const r = runVbc(env, 'replay', file);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`${file}:2: not valid JSON`);
    expect(r.stderr).toContain(`${file}:3: thruDate is before fromDate`);
    expect(JSON.parse(vbc('export')).acos).toMatchObject([{ acoId: 'A7', expenditureCents: 100, claimRecords: 1 }]);
  });
});
