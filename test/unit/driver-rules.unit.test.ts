import { describe, expect, it } from 'vitest';
import { exportState } from '../../services/cli/state-export.ts';
import { SERVICES } from '../../services/registry.ts';
import { msspReconciliation, type AcoContract } from '../../shared/domain/mssp.ts';
import { TestDriver } from '../../shared/testing/test-driver.ts';

/**
 * Rules that need services but no broker, through the broker-free driver (ported from integration
 * tests that waited on Kafka): duplicates, bad reference records, the reconciliation schedule in
 * event time, mistyped dates. The real-stack tests keep what only the stack shows.
 */
const ALL = Object.values(SERVICES);
const adt = {
  admission: (encounterId: string, admitDate: string) => ({
    encounterId,
    mbi: '1DR0DR0DR01',
    facilityId: 'F1',
    admitDate,
    encounterClass: 'INPATIENT',
    admitType: 'EMERGENCY',
  }),
  discharge: (encounterId: string, admitDate: string, dischargeDate: string) => ({
    encounterId,
    mbi: '1DR0DR0DR01',
    facilityId: 'F1',
    admitDate,
    dischargeDate,
    disposition: '01',
  }),
};
const claimOn = (claimId: string, mbi: string, date: string, paidAmountCents: number) => ({
  claimId,
  claimControlNumber: claimId,
  adjustmentType: 'ORIGINAL',
  mbi,
  claimType: 'PROFESSIONAL',
  fromDate: date,
  thruDate: date,
  paidAmountCents,
});

describe('the services through the broker-free driver', () => {
  it('duplicate ADT records (redelivery, replays, double publishes) change nothing: no second alert, the same readmission', async () => {
    const driver = new TestDriver(ALL);
    const records = () => {
      driver.pipe('admissions', [adt.admission('E1', '2026-03-01'), adt.admission('E2', '2026-03-20')]);
      driver.pipe('discharges', [adt.discharge('E1', '2026-03-01', '2026-03-04')]);
    };
    records();
    await driver.run();
    const first = await exportState(driver.stores);
    expect(first.readmissions).toEqual([
      { mbi: '1DR0DR0DR01', indexEncounterId: 'E1', readmissionEncounterId: 'E2', daysToReadmit: 16, planned: false },
    ]);
    const raised = driver.published.map((e) => `${e.value.action} ${e.value.type}`).sort();
    expect(raised).toEqual(['RAISED READMISSION', 'RAISED TCM_FOLLOW_UP']);
    records();
    records();
    await driver.run();
    expect(await exportState(driver.stores)).toEqual(first);
    expect(driver.published).toHaveLength(2);
  });

  it('bad contracts and prices are dead-lettered with their reason; the good ones are stored', async () => {
    const driver = new TestDriver(ALL);
    const contract = {
      acoId: 'R1',
      performanceYear: 2026,
      track: 'BASIC_A',
      benchmarkPerCapitaCents: 1_000_000,
      assignedBeneficiaries: 6_000,
      msrMlr: 'VARIABLE',
      qualityGate: 'MET',
      qualityScore: 90,
      participantRevenueCents: null,
    };
    driver.pipe('aco-contracts', [
      contract,
      { ...contract, acoId: 'R2', msrMlr: '3.3' },
      { ...contract, acoId: 'R3', qualityScore: 140 },
      { ...contract, acoId: '' },
    ]);
    driver.pipe('episode-prices', [
      { episodeCategory: 'MJRLE', facilityId: '*', targetPriceCents: 2_500_000 },
      { program: 'TEAM', episodeCategory: 'LEJR', facilityId: 'F1', targetPriceCents: 2_000_000 },
      { episodeCategory: 'KNEE_SCOPE', facilityId: '*', targetPriceCents: 100_000 },
      { program: 'TEAM', episodeCategory: 'CHF', facilityId: '*', targetPriceCents: 100_000 },
      { episodeCategory: 'CHF', facilityId: 'F1', targetPriceCents: -5 },
    ]);
    await driver.run();
    expect(driver.deadLetters.map((d) => `${d.code}: ${d.reason}`).sort()).toEqual([
      "RECORD_INVALID: episodeCategory 'CHF' is not a TEAM category (LEJR, SHFFT, CABG, MAJOR_BOWEL, SPINAL_FUSION; reference/team-episodes.json)",
      "RECORD_INVALID: episodeCategory 'KNEE_SCOPE' is not a BPCI_A category (MJRLE, CHF, COPD, AMI, ARRHYTHMIA, HIP_FEMUR, FRACTURE, CABG, GI_HEMORRHAGE, SEPSIS, PNEUMONIA, STROKE; reference/bpci-episodes.json)",
      'RECORD_INVALID: missing acoId',
      "RECORD_INVALID: msrMlr '3.3' is not VARIABLE or one of 0, 0.5, 1.0, 1.5, 2.0",
      'RECORD_INVALID: qualityScore must be from 0 to 100',
      'RECORD_INVALID: targetPriceCents must not be negative',
    ]);
    expect((await driver.stores.reference.contracts()).map((c) => c.acoId)).toEqual(['R1']);
    expect((await driver.stores.beneficiaries.load([], [80])).reference.prices).toEqual({
      'BPCI_A|MJRLE|*': 2_500_000,
      'TEAM|LEJR|F1': 2_000_000,
    });
  });

  it('interim MSSP reconciliations on a monthly schedule in event time, the same eventId again; a final is never replaced', async () => {
    const driver = new TestDriver(ALL, { VBC_MSSP_SCHEDULE: 'monthly', VBC_CLOCK_QUORUM: '1' });
    const contract: AcoContract = {
      acoId: 'S1',
      performanceYear: 2026,
      track: 'BASIC_C',
      benchmarkPerCapitaCents: 100_000,
      assignedBeneficiaries: 5_000,
      msrMlr: 'VARIABLE',
      qualityGate: 'MET',
      qualityScore: 90,
      participantRevenueCents: null,
    };
    driver.pipe('aco-contracts', [contract]);
    driver.pipe('attribution', [{ mbi: '1SS0SS0SS01', acoId: 'S1', effectiveFrom: '2026-01-01', effectiveTo: null }]);
    driver.pipe('claims', [
      claimOn('K1', '1SS0SS0SS01', '2026-01-20', 40_000_000),
      claimOn('K2', '1SS0SS0SS01', '2026-02-11', 45_000_000),
    ]);
    await driver.run();
    await driver.tick();
    driver.pipe('claims', [claimOn('K3', '1SS0SS0SS01', '2026-03-05', 5_000_000)]);
    await driver.run();
    await driver.tick();
    const events = driver.reconciliationEvents();
    expect(events.map((e) => e.asOf)).toEqual(['2026-02-01', '2026-03-01']);
    // $1,000 x 5,000 = $5M benchmark; $900k spent: 82% savings, 50% shared = $2.05M, capped at 10% = $500k.
    expect(events[1]).toMatchObject({
      subjectId: 'S1:2026',
      final: false,
      amountCents: msspReconciliation(contract, 90_000_000).amountCents,
    });
    expect(events[1]!.amountCents).toBe(50_000_000);
    expect(events[0]!.working).toMatchObject({
      track: 'BASIC_C',
      expenditureCents: '85000000',
      benchmarkTotalCents: '500000000',
    });

    // The same period again (a restart that lost its bookmark) emits the same event id.
    await driver.stores.clock.setLastScheduledRun(null);
    await driver.tick();
    expect(
      new Set(
        driver
          .reconciliationEvents()
          .filter((e) => e.asOf === '2026-03-01')
          .map((e) => e.eventId),
      ),
    ).toEqual(new Set([events[1]!.eventId]));

    await driver.reconcile('2027-01-15');
    await driver.stores.clock.setLastScheduledRun(null);
    await driver.tick();
    const latest = (await exportState(driver.stores)).reconciliations.find((r) => r.subjectId === 'S1:2026');
    expect(latest).toMatchObject({ kind: 'MSSP', final: true, asOf: '2027-01-15' });
  });

  it('mistyped dates: dead-lettered as DATE_IMPLAUSIBLE, the year stays open, later claims of it count', async () => {
    const driver = new TestDriver(ALL);
    const mbis = Array.from({ length: 12 }, (_, i) => `1TD${String(i).padStart(8, '0')}`);
    driver.pipe(
      'attribution',
      mbis.map((mbi) => ({ mbi, acoId: 'ATD', effectiveFrom: '2026-01-01', effectiveTo: null })),
    );
    driver.pipe(
      'claims',
      mbis.map((mbi, i) => claimOn(`T${i}`, mbi, '2062-03-01', 999)),
    );
    driver.pipe(
      'claims',
      mbis.map((mbi, i) => claimOn(`A${i}`, mbi, '2026-04-01', 100)),
    );
    await driver.run();
    expect(new Set(driver.deadLetters.map((d) => d.code))).toEqual(new Set(['DATE_IMPLAUSIBLE']));
    expect(driver.deadLetters).toHaveLength(12);
    expect((await exportState(driver.stores)).acos).toMatchObject([
      { acoId: 'ATD', performanceYear: 2026, expenditureCents: 1_200, claimRecords: 12 },
    ]);
    expect((await driver.stores.clock.expiry()).closedThrough).toBeNull();
  });
});
