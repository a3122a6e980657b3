import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from '../support/contract.ts';
import { isolatedEnv } from '../support/isolated.ts';
import { runVbc, startAllServices, vbc } from '../support/vbc-cli.ts';

const work = mkdtempSync(join(tmpdir(), 'vbc-rebuild-'));

describe('vbc rebuild', () => {
  it('recomputes the state from the retained topics into an export identical to the one before, publishing nothing again', async () => {
    const env = isolatedEnv('rebuild');
    const feed = join(work, 'both.ndjson');
    writeFileSync(
      feed,
      ['readmissions-and-aco-totals', 'episode-and-reconciliation']
        .map((n) => readFileSync(join(EXAMPLES, `${n}.ndjson`), 'utf8').trim())
        .join('\n'),
    );
    const services = await startAllServices(env, join(work, 'services.log'));
    try {
      vbc(env, 'replay', feed);
      // As of 2027-03-31 the 2025 run-out has ended: its final reconciliation closes 2025.
      vbc(env, 'reconcile', '--as-of', '2027-03-31');
      // Then a late claim of 2025 (refused, PERIOD_CLOSED) and one of 2026 (counted): the rebuild must give the same
      // verdicts.
      const late = join(work, 'late.ndjson');
      const claimLine = (claimId: string, date: string) =>
        JSON.stringify({
          topic: 'claims',
          value: {
            claimId,
            claimControlNumber: claimId,
            adjustmentType: 'ORIGINAL',
            mbi: '1BB0BB0BB10',
            claimType: 'PROFESSIONAL',
            fromDate: date,
            thruDate: date,
            paidAmountCents: 7_700,
          },
        });
      writeFileSync(late, `${claimLine('LATE-2025', '2025-11-02')}\n${claimLine('NEW-2026', '2026-02-02')}\n`);
      vbc(env, 'replay', late);
      expect(vbc(env, 'dlq', 'list', 'claims')).toContain('PERIOD_CLOSED');
      // With the services running, a rebuild is refused.
      const refused = runVbc(env, 'rebuild');
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('stop the running services first');
    } finally {
      await services.stop('SIGTERM');
    }
    const before = JSON.parse(vbc(env, 'export'));
    expect(before.episodes[0].status).toBe('RECONCILED');
    expect(
      before.acos.find(
        (a: { acoId: string; performanceYear: number }) => a.acoId === 'A9009' && a.performanceYear === 2025,
      ).expenditureCents,
    ).toBe(2_620_000);
    expect(
      before.acos.find(
        (a: { acoId: string; performanceYear: number }) => a.acoId === 'A9009' && a.performanceYear === 2026,
      ).expenditureCents,
    ).toBe(7_700);
    const alertsBefore = vbc(env, 'alerts').trim().split('\n').pop();

    const rebuilt = runVbc(env, 'rebuild');
    expect(rebuilt.status, rebuilt.stderr).toBe(0);
    expect(rebuilt.stderr).toContain('equals the state before');
    expect(JSON.parse(vbc(env, 'export'))).toEqual(before);
    expect(vbc(env, 'alerts').trim().split('\n').pop()).toBe(alertsBefore);
  });
});
