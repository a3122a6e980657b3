import { describe, expect, it } from 'vitest';
import { generateFeed } from '../../services/cli/simulate/feed-generator.ts';
import { renderFeed } from '../../services/cli/simulate/feed-file.ts';
import { feedStats } from '../../services/cli/simulate/feed-stats.ts';
import { validateRecord } from '../../shared/domain/validate.ts';

describe('vbc simulate: the synthetic feed', () => {
  const lines = generateFeed({ seed: 7, beneficiaries: 4000 });

  it('is the same, byte for byte, for the same seed, and different for another', () => {
    expect(renderFeed(generateFeed({ seed: 7, beneficiaries: 4000 }), 7).text).toBe(renderFeed(lines, 7).text);
    expect(renderFeed(generateFeed({ seed: 8, beneficiaries: 4000 }), 8).text).not.toBe(renderFeed(lines, 7).text);
  });

  it.each([7, 11, 23])('seed %i: readmissions 12-18% of index stays, 1.5-3% cancellations and adjustments', (seed) => {
    const s = feedStats(generateFeed({ seed, beneficiaries: 4000 }));
    expect(s.readmissionRate).toBeGreaterThanOrEqual(0.12);
    expect(s.readmissionRate).toBeLessThanOrEqual(0.18);
    expect(s.cancellationShare).toBeGreaterThanOrEqual(0.015);
    expect(s.cancellationShare).toBeLessThanOrEqual(0.03);
  });

  it('every generated record is valid, and about 0.5% malformed lines are added, each one rejected', () => {
    expect(lines.filter((l) => !validateRecord(l.topic, l.value).ok)).toEqual([]);
    const { text, malformed } = renderFeed(lines, 7);
    const rendered = text.trim().split('\n');
    expect(rendered).toHaveLength(lines.length + malformed);
    expect(malformed / rendered.length).toBeGreaterThan(0.003);
    expect(malformed / rendered.length).toBeLessThan(0.008);
    const rejected = rendered.filter((raw) => {
      try {
        const { topic, value } = JSON.parse(raw);
        return !validateRecord(topic, value).ok;
      } catch {
        return true;
      }
    });
    expect(rejected).toHaveLength(malformed);
  });

  it('has every input topic, all claim types, and claims published 2-8 weeks after service', () => {
    const s = feedStats(lines);
    expect(Object.keys(s.byTopic).sort()).toEqual([
      'aco-contracts',
      'admissions',
      'attribution',
      'claims',
      'discharges',
      'episode-prices',
    ]);
    const types = new Set(lines.filter((l) => l.topic === 'claims').map((l) => l.value.claimType));
    expect([...types].sort()).toEqual(['DME', 'HHA', 'HOSPICE', 'INPATIENT', 'OUTPATIENT', 'PROFESSIONAL', 'SNF']);
    const originals = lines.filter((l) => l.topic === 'claims' && l.value.adjustmentType === 'ORIGINAL');
    const lagDays = originals.map((l) => (Date.parse(l.day) - Date.parse(l.value.thruDate as string)) / 86_400_000);
    expect(Math.min(...lagDays)).toBeGreaterThanOrEqual(14);
    expect(Math.max(...lagDays)).toBeLessThanOrEqual(56);
  });

  it('gives the ACOs contracts on four different tracks, with their attributed counts', () => {
    const contracts = lines.filter((l) => l.topic === 'aco-contracts').map((l) => l.value);
    expect(contracts.map((c) => c.track).sort()).toEqual(['BASIC_A', 'BASIC_C', 'BASIC_E', 'ENHANCED']);
    const attributed = new Set(lines.filter((l) => l.topic === 'attribution').map((l) => l.value.mbi));
    expect(contracts.reduce((n, c) => n + Number(c.assignedBeneficiaries), 0)).toBeGreaterThanOrEqual(attributed.size);
  });
});
