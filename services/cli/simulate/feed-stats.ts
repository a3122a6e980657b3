import { emptyFacts, type BeneficiaryFacts } from '../../../shared/domain/facts.ts';
import { inpatientStays, isIndexStay, readmissions } from '../../../shared/domain/stays.ts';
import { validateRecord } from '../../../shared/domain/validate.ts';
import type { FeedLine } from './feed-generator.ts';

export interface FeedStats {
  records: number;
  byTopic: Record<string, number>;
  beneficiaries: number;
  indexStays: number;
  readmissions: number;
  /** Readmissions per index stay, by the product's own rules (contract 1.3). */
  readmissionRate: number;
  /** Cancellation and adjustment records per claim record. */
  cancellationShare: number;
}

/** Measures a generated feed with the product's own rules, so the stated ranges are checked, not assumed. */
export function feedStats(lines: FeedLine[]): FeedStats {
  const byTopic: Record<string, number> = {};
  const facts = new Map<string, BeneficiaryFacts>();
  let corrections = 0;
  for (const line of lines) {
    byTopic[line.topic] = (byTopic[line.topic] ?? 0) + 1;
    if (line.topic === 'claims' && line.value.adjustmentType !== 'ORIGINAL') corrections++;
    if (line.topic !== 'admissions' && line.topic !== 'discharges') continue;
    const checked = validateRecord(line.topic, line.value);
    if (!checked.ok || !('mbi' in checked.value)) continue;
    const f = facts.get(checked.value.mbi) ?? emptyFacts();
    facts.set(checked.value.mbi, f);
    const id = checked.value.id;
    if (checked.value.kind === 'admission') f.admissions.set(id, checked.value.fact);
    if (checked.value.kind === 'discharge') f.discharges.set(id, checked.value.fact);
  }
  let indexStays = 0;
  let readmitted = 0;
  for (const f of facts.values()) {
    indexStays += inpatientStays(f).filter((s, i, all) => isIndexStay(s, all[i + 1])).length;
    readmitted += readmissions(f).length;
  }
  const mbis = new Set(lines.filter((l) => typeof l.value.mbi === 'string').map((l) => l.value.mbi as string));
  return {
    records: lines.length,
    byTopic,
    beneficiaries: mbis.size,
    indexStays,
    readmissions: readmitted,
    readmissionRate: indexStays === 0 ? 0 : readmitted / indexStays,
    cancellationShare: (byTopic.claims ?? 0) === 0 ? 0 : corrections / byTopic.claims!,
  };
}
