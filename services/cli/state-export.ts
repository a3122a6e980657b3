import type { Derived } from '../../shared/domain/derive.ts';
import type { Stores } from '../../shared/engine/stores.ts';
import { acoTotalsOf } from '../../shared/engine/layout.ts';
import type { ReconciliationRecord } from '../../shared/engine/events.ts';

/** The state export of contract section 4, read from the stores, sorted for stable diffs. */
export async function exportState(stores: Stores) {
  const { reads } = stores;
  const acoYears = (await reads.acoYears()).sort();
  const mbis = (await reads.beneficiaries()).sort();
  const [totals, snapshots, latest] = await Promise.all([
    reads.acoTotals(acoYears),
    reads.snapshots(mbis),
    stores.reference.reconciliations(),
  ]);

  const acos = acoYears
    .map((k, i) => {
      const [acoId = '', year] = k.split('|');
      return { acoId, performanceYear: Number(year), ...acoTotalsOf(totals[i]!) };
    })
    .filter((a) => a.claimRecords !== 0 || a.expenditureCents !== 0);

  const readmissions = [];
  const episodes = [];
  const alerts = [];
  for (let i = 0; i < mbis.length; i++) {
    const json = snapshots[i];
    if (!json) continue;
    const mbi = mbis[i]!;
    const d = JSON.parse(json) as Derived;
    for (const r of d.readmissions) readmissions.push({ mbi, ...r });
    for (const e of d.episodes) {
      episodes.push({
        episodeId: e.episodeId,
        mbi,
        category: e.category,
        anchorAdmitDate: e.anchorAdmitDate,
        anchorDischargeDate: e.anchorDischargeDate,
        windowEnd: e.windowEnd,
        spendCents: e.spendCents,
        targetPriceCents: e.targetPriceCents,
        status: e.status,
        program: e.program ?? 'BPCI_A',
        anchorFacilityId: e.anchorFacilityId,
      });
    }
    for (const a of Object.values(d.alerts)) {
      alerts.push({
        alertId: a.alertId,
        type: a.type,
        mbi,
        subjectId: a.subjectId,
        threshold: a.threshold,
        contactDueDate: a.contactDueDate ?? null,
        visitDueDate: a.visitDueDate ?? null,
        acoId: a.acoId,
        reason: a.reason,
      });
    }
  }
  const summary = (r: ReconciliationRecord) => ({
    eventId: r.eventId,
    kind: r.kind,
    subjectId: r.subjectId,
    amountCents: r.amountCents,
    final: r.final,
    asOf: r.asOf,
    direction: r.direction,
    program: r.program ?? null,
  });
  // Contract 4 lists episode and MSSP reconciliations; TEAM's hospital-level ones (the product's
  // addition) are an extra section, with their working.
  const reconciliations = latest.filter((r) => r.kind !== 'TEAM').map(summary);
  const teamHospitalReconciliations = latest
    .filter((r) => r.kind === 'TEAM')
    .map((r) => ({ ...summary(r), working: r.working }));
  return { acos, readmissions, episodes, alerts, reconciliations, teamHospitalReconciliations };
}
