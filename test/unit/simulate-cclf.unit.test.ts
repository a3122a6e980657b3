import { describe, expect, it } from 'vitest';
import { partAClaim, partBLine } from '../../shared/adapters/cclf.ts';
import { signedCents } from '../../shared/domain/claims.ts';
import { validateRecord } from '../../shared/domain/validate.ts';
import { cclfFiles } from '../../services/cli/simulate/cclf-files.ts';
import { generateFeed } from '../../services/cli/simulate/feed-generator.ts';

describe('the simulated year as CCLF files (the demo with VBC_DEMO_SOURCE=cclf)', () => {
  it('read back by the importer, every claim record gives the same signed amount per beneficiary as the scenario file', () => {
    const feed = generateFeed({ seed: 3, beneficiaries: 400 });
    const files = cclfFiles(feed);
    const bySource = new Map<string, number>();
    for (const l of feed) {
      if (l.topic !== 'claims') continue;
      const v = validateRecord('claims', l.value);
      if (!v.ok || v.value.kind !== 'claim') throw new Error('the simulator wrote a bad claim');
      bySource.set(v.value.mbi, (bySource.get(v.value.mbi) ?? 0) + signedCents(v.value.fact));
    }
    const byCclf = new Map<string, number>();
    let records = 0;
    const add = (r: ReturnType<typeof partAClaim>) => {
      if (!r.ok) throw new Error(r.reason);
      const v = validateRecord('claims', r.value);
      if (!v.ok || v.value.kind !== 'claim') throw new Error(v.ok ? 'not a claim' : v.reason);
      byCclf.set(v.value.mbi, (byCclf.get(v.value.mbi) ?? 0) + signedCents(v.value.fact));
      records++;
    };
    for (const line of files.CCLF1.split('\n').filter(Boolean)) add(partAClaim(line, new Map()));
    for (const line of files.CCLF5.split('\n').filter(Boolean)) add(partBLine('CCLF5', line, new Map()));
    for (const line of files.CCLF6.split('\n').filter(Boolean)) add(partBLine('CCLF6', line, new Map()));
    expect(records).toBe(files.claims);
    expect(byCclf).toEqual(bySource);
  });
});
