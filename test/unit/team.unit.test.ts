import { describe, expect, it } from 'vitest';
import { currentVersions } from '../../shared/domain/claim-versions.ts';
import { derive } from '../../shared/domain/derive.ts';
import { episodes, npraCents } from '../../shared/domain/episodes.ts';
import { teamHospital, teamHospitalReconciliation, trackLimits } from '../../shared/domain/team.ts';
import { validateRecord } from '../../shared/domain/validate.ts';
import { claim, discharge, factsWith } from '../support/facts.ts';

const REF = {
  prices: {
    'TEAM|LEJR|*': 2_500_000,
    'TEAM|LEJR|F1': 2_000_000,
    'BPCI_A|MJRLE|*': 2_200_000,
    'TEAM|SPINAL_FUSION|*': 3_000_000,
  },
  overrunThresholds: [80, 100],
};
const stay = (id: string, admitDate: string, dischargeDate: string, drg = '470', facilityId = 'F1') =>
  discharge({ encounterId: id, admitDate, dischargeDate, drg, facilityId, disposition: '03' });
const inpatientClaim = (
  id: string,
  admitDate: string,
  dischargeDate: string,
  p: Partial<Parameters<typeof claim>[0]> = {},
) =>
  claim({
    claimId: id,
    claimType: 'INPATIENT',
    fromDate: admitDate,
    thruDate: dischargeDate,
    admissionDate: admitDate,
    dischargeDate,
    drg: '470',
    facilityId: 'F1',
    ...p,
  });

describe('TEAM episodes (contract 1.4)', () => {
  it('the window ends on discharge + 29 (day 30 counting the discharge day): a claim on that day counts, the next day not', () => {
    const facts = factsWith({
      discharges: [stay('E1', '2026-03-02', '2026-03-05')],
      claims: [
        claim({ claimId: 'in', fromDate: '2026-04-03', thruDate: '2026-04-03', paidAmountCents: 100 }),
        claim({ claimId: 'out', fromDate: '2026-04-04', thruDate: '2026-04-04', paidAmountCents: 1_000 }),
      ],
    });
    const [e] = episodes('M', facts, REF);
    expect(e).toMatchObject({
      program: 'TEAM',
      category: 'LEJR',
      windowEnd: '2026-04-03',
      spendCents: 100,
      targetPriceCents: 2_000_000,
    });
  });

  it('an anchor admitted inside an open TEAM window opens none; the first one after it opens the next', () => {
    const eps = episodes(
      'M',
      factsWith({
        discharges: [
          stay('E1', '2026-03-02', '2026-03-05'),
          stay('E2', '2026-04-03', '2026-04-06', '481'),
          stay('E3', '2026-04-04', '2026-04-07', '481'),
        ],
      }),
      REF,
    );
    expect(eps.map((e) => [e.category, e.anchorAdmitDate])).toEqual([
      ['LEJR', '2026-03-02'],
      ['SHFFT', '2026-04-04'],
    ]);
  });

  it('the program follows the anchor date: BPCI Advanced through 2025-12-31 (90 days, its categories), TEAM from 2026-01-01', () => {
    const bpci = episodes('M', factsWith({ discharges: [stay('E1', '2025-12-31', '2026-01-03')] }), REF);
    expect(bpci.map((e) => [e.program, e.category, e.windowEnd, e.targetPriceCents])).toEqual([
      ['BPCI_A', 'MJRLE', '2026-04-02', 2_200_000],
    ]);
    const team = episodes('M', factsWith({ discharges: [stay('E1', '2026-01-01', '2026-01-03')] }), REF);
    expect(team.map((e) => [e.program, e.category, e.windowEnd])).toEqual([['TEAM', 'LEJR', '2026-02-01']]);
    // A BPCI-only category (CHF) anchors nothing under TEAM; an anchor inside a BPCI window opens none either.
    expect(episodes('M', factsWith({ discharges: [stay('E1', '2026-02-01', '2026-02-03', '292')] }), REF)).toEqual([]);
    const across = episodes(
      'M',
      factsWith({ discharges: [stay('E1', '2025-12-20', '2025-12-23'), stay('E2', '2026-02-01', '2026-02-03')] }),
      REF,
    );
    expect(across.map((e) => e.program)).toEqual(['BPCI_A']);
  });

  it('an outpatient claim with an anchor procedure opens a TEAM episode on its date; a professional claim with the same code does not', () => {
    const outpatient = claim({
      claimId: 'O1',
      claimType: 'OUTPATIENT',
      fromDate: '2026-05-12',
      thruDate: '2026-05-12',
      facilityId: 'F2',
      hcpcsCodes: ['27447'],
      paidAmountCents: 1_100_000,
    });
    const surgeon = claim({
      claimId: 'P1',
      claimType: 'PROFESSIONAL',
      fromDate: '2026-05-12',
      thruDate: '2026-05-12',
      hcpcsCodes: ['27447'],
      paidAmountCents: 150_000,
    });
    const [e, ...rest] = episodes('M', factsWith({ claims: [outpatient, surgeon] }), REF);
    expect(rest).toEqual([]);
    expect(e).toMatchObject({
      program: 'TEAM',
      category: 'LEJR',
      anchorAdmitDate: '2026-05-12',
      anchorDischargeDate: '2026-05-12',
      windowEnd: '2026-06-10',
      spendCents: 1_250_000,
      targetPriceCents: 2_500_000,
    });
    expect(episodes('M', factsWith({ claims: [surgeon] }), REF)).toEqual([]);
    expect(episodes('M', factsWith({ claims: [{ ...outpatient, hcpcsCodes: ['22612'] }] }), REF)[0]).toMatchObject({
      category: 'SPINAL_FUSION',
    });
    // Before TEAM an outpatient procedure anchors nothing (BPCI Advanced had no outpatient anchors in this product).
    expect(
      episodes('M', factsWith({ claims: [{ ...outpatient, fromDate: '2025-05-12', thruDate: '2025-05-12' }] }), REF),
    ).toEqual([]);
  });

  it('reconciles each episode at target - spend within +/-20% of target; TEAM hospital-level adds the track limits', () => {
    expect(npraCents(2_000_000, 2_020_000)).toBe(-20_000);
    expect(npraCents(2_500_000, 1_280_000)).toBe(500_000);
  });
});

describe('claim versions (contract 1.4): only the current version of a claim anchors', () => {
  const original = inpatientClaim('C1', '2026-03-02', '2026-03-05', { claimControlNumber: 'N1' });

  it('a cancelled claim anchors nothing (at least as many cancellations as originals and adjustments)', () => {
    const cancel = { ...original, claimId: 'C1X', adjustmentType: 'CANCELLATION' as const };
    expect(episodes('M', factsWith({ claims: [original, cancel] }), REF)).toEqual([]);
    const adjusted = { ...original, claimId: 'C1A', adjustmentType: 'ADJUSTMENT' as const };
    expect(episodes('M', factsWith({ claims: [original, cancel, adjusted] }), REF)).toHaveLength(1);
    const secondCancel = { ...original, claimId: 'C1Y', adjustmentType: 'CANCELLATION' as const };
    expect(episodes('M', factsWith({ claims: [original, cancel, adjusted, secondCancel] }), REF)).toEqual([]);
  });

  it('an original whose DRG an adjustment corrected anchors nothing; the adjustment decides', () => {
    const corrected = {
      ...original,
      claimId: 'C1A',
      adjustmentType: 'ADJUSTMENT' as const,
      drg: '392',
      effectiveDate: '2026-04-01',
    };
    expect(episodes('M', factsWith({ claims: [original, corrected] }), REF)).toEqual([]);
    // And the other way round: an adjustment that adds the trigger DRG anchors.
    expect(
      episodes(
        'M',
        factsWith({
          claims: [
            { ...original, drg: '392' },
            { ...corrected, drg: '470' },
          ],
        }),
        REF,
      ),
    ).toHaveLength(1);
  });

  it('two adjustments: the latest effectiveDate wins (none = oldest), then the greatest claimId', () => {
    const a1 = {
      ...original,
      claimId: 'C1A',
      adjustmentType: 'ADJUSTMENT' as const,
      drg: '392',
      effectiveDate: '2026-05-01',
    };
    const a2 = {
      ...original,
      claimId: 'C1B',
      adjustmentType: 'ADJUSTMENT' as const,
      drg: '470',
      effectiveDate: '2026-04-01',
    };
    expect(currentVersions([original, a1, a2]).get('N1')!.claimId).toBe('C1A');
    expect(episodes('M', factsWith({ claims: [original, a1, a2] }), REF)).toEqual([]);
    const tie = { ...a2, effectiveDate: '2026-05-01' };
    expect(currentVersions([original, a1, tie]).get('N1')!.claimId).toBe('C1B');
    expect(
      currentVersions([
        { ...original, effectiveDate: null },
        { ...a1, effectiveDate: null, claimId: 'C0' },
      ]).get('N1')!.claimId,
    ).toBe('C1');
  });

  it('amounts still count every record (1.1): the signed sum is unchanged by versions', () => {
    const corrected = {
      ...original,
      claimId: 'C1A',
      adjustmentType: 'ADJUSTMENT' as const,
      drg: '392',
      paidAmountCents: 900,
    };
    const facts = factsWith({
      claims: [
        { ...original, paidAmountCents: 1_000 },
        corrected,
        { ...original, claimId: 'C1X', adjustmentType: 'CANCELLATION' as const, paidAmountCents: 1_000 },
      ],
    });
    facts.attributions.set('1', { seq: '1', acoId: 'A1', effectiveFrom: '2026-01-01', effectiveTo: null });
    expect(derive('M', facts, REF).acos['A1|2026']!.expenditureCents).toBe(900);
  });
});

describe('TEAM hospital-level reconciliation (42 CFR 512.550; reference/team-episodes.json)', () => {
  const episodesOf = (...pairs: [number, number][]) =>
    pairs.map(([targetPriceCents, spendCents]) => ({ targetPriceCents, spendCents }));

  it('Track 1 is upside only with a 10% stop-gain', () => {
    const h = { facilityId: 'F', performanceYear: 2026, track: 1 as const };
    expect(teamHospitalReconciliation(h, episodesOf([2_000_000, 2_020_000])).amountCents).toBe(0);
    const gain = teamHospitalReconciliation(h, episodesOf([2_500_000, 1_280_000]));
    expect(gain).toMatchObject({
      reconciliationAmountCents: 1_220_000,
      stopGainCents: 250_000,
      amountCents: 250_000,
      limitApplied: true,
    });
  });

  it('Track 2 stops gains and losses at 10% of the summed targets (the final rule), Track 3 at 20%', () => {
    const t2 = { facilityId: 'F', performanceYear: 2026, track: 2 as const };
    expect(teamHospitalReconciliation(t2, episodesOf([1_000_000, 1_500_000])).amountCents).toBe(-100_000);
    expect(teamHospitalReconciliation(t2, episodesOf([1_000_000, 950_000])).amountCents).toBe(50_000);
    const t3 = { facilityId: 'F', performanceYear: 2026, track: 3 as const };
    expect(teamHospitalReconciliation(t3, episodesOf([1_000_000, 1_500_000], [1_000_000, 1_000_000])).amountCents).toBe(
      -400_000,
    );
    expect(teamHospitalReconciliation(t3, episodesOf([1_000_000, 1_150_000])).amountCents).toBe(-150_000);
    expect(trackLimits(3)).toMatchObject({ stopGainShare: 0.2, stopLossShare: 0.2 });
  });

  it('the quality adjustment reduces the amount before the limits, at most by the track maximum', () => {
    const h = {
      facilityId: 'F',
      performanceYear: 2026,
      track: 3 as const,
      qualityReductionPercentPositive: 4,
      qualityReductionPercentNegative: 30,
    };
    expect(teamHospitalReconciliation(h, episodesOf([1_000_000, 900_000]))).toMatchObject({
      qualityAdjustedCents: 96_000,
      amountCents: 96_000,
    });
    // Negative: at most 10% off under Track 3.
    expect(teamHospitalReconciliation(h, episodesOf([1_000_000, 1_100_000]))).toMatchObject({
      qualityReductionPercent: 10,
      amountCents: -90_000,
    });
  });

  it('a hospital without terms for the year is Track 1 (42 CFR 512.520(a)(3))', () => {
    expect(teamHospital('UNLISTED', 2026).track).toBe(1);
    expect(teamHospital('F10001', 2026).track).toBe(3);
  });
});

describe('price records carry their program', () => {
  it('a record without program is BPCI Advanced; a category must belong to its program', () => {
    expect(
      validateRecord('episode-prices', { episodeCategory: 'MJRLE', facilityId: '*', targetPriceCents: 1 }),
    ).toMatchObject({ ok: true, value: { key: 'BPCI_A|MJRLE|*' } });
    expect(
      validateRecord('episode-prices', {
        program: 'TEAM',
        episodeCategory: 'LEJR',
        facilityId: 'F1',
        targetPriceCents: 1,
      }),
    ).toMatchObject({ ok: true, value: { key: 'TEAM|LEJR|F1' } });
    expect(
      validateRecord('episode-prices', {
        program: 'TEAM',
        episodeCategory: 'MJRLE',
        facilityId: '*',
        targetPriceCents: 1,
      }),
    ).toMatchObject({ ok: false });
  });
});
