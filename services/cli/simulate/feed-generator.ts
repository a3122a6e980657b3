import { addDays, daysBetween, yearOf } from '../../../shared/domain/dates.ts';
import type { InputTopic } from '../../../shared/kafka/topics.ts';
import { Seeded } from '../../../shared/random/seeded.ts';

/**
 * A realistic synthetic year of value-based-care data, deterministic for a seed: beneficiaries
 * attributed to ACOs on different MSSP tracks, their claims with a 2-8 week adjudication lag,
 * cancellations and adjustments, hospital ADT with dispositions, readmissions, BPCI anchor stays,
 * episode target prices, and a few malformed lines. The output is the contract's scenario format,
 * in the order a payer and the hospitals would publish it.
 */
export interface FeedOptions {
  seed: number;
  beneficiaries: number;
  year?: number;
}

export interface FeedLine {
  /** Day the record is published: the sort key of the file. */
  day: string;
  topic: InputTopic;
  value: Record<string, unknown>;
}

interface Stay {
  encounterId: string;
  mbi: string;
  facilityId: string;
  admitDate: string;
  dischargeDate: string;
  drg: string;
  disposition: string;
  planned: boolean;
}

const ACO_PLAN = [
  // acoId, track, share of beneficiaries, benchmark factor over actual spend (below 1: losses)
  { acoId: 'A1001', track: 'BASIC_A', share: 0.3, factor: 1.06, gate: 'MET', score: 88 },
  { acoId: 'A2002', track: 'BASIC_C', share: 0.25, factor: 0.94, gate: 'MET', score: 82 },
  { acoId: 'A3003', track: 'BASIC_E', share: 0.2, factor: 1.01, gate: 'ALTERNATIVE', score: 76 },
  { acoId: 'A4004', track: 'ENHANCED', share: 0.25, factor: 1.12, gate: 'MET', score: 91 },
] as const;

const HOSPITALS = ['F10001', 'F10002', 'F10003', 'F10004', 'F10005', 'F10006', 'F10007', 'F10008'];
/**
 * TEAM trigger DRGs (anchors from 2026) with a typical anchor payment and episode target price
 * (cents), and the DRGs of medical stays that anchor no TEAM episode.
 */
const TEAM_DRGS: [string, number, number][] = [
  ['470', 1_450_000, 2_050_000],
  ['469', 2_300_000, 3_300_000],
  ['481', 1_700_000, 2_700_000],
  ['233', 4_100_000, 5_600_000],
  ['330', 2_200_000, 3_100_000],
  ['473', 2_600_000, 3_400_000],
];
const TEAM_CATEGORY_OF: Record<string, string> = {
  '470': 'LEJR',
  '469': 'LEJR',
  '481': 'SHFFT',
  '233': 'CABG',
  '330': 'MAJOR_BOWEL',
  '473': 'SPINAL_FUSION',
};
const MEDICAL_DRGS = ['292', '291', '191', '281', '309', '378', '871', '194', '065'];
/** Outpatient anchor procedures of TEAM's LEJR (knee, hip) with a typical facility payment (cents). */
const OUTPATIENT_JOINTS: [string, number][] = [
  ['27447', 1_150_000],
  ['27130', 1_250_000],
];
/** Office and home visits that close a transitional-care follow-up, and the TCM codes themselves. */
const VISIT_CODES = ['99213', '99214', '99215', '99203', '99204'];
const TCM_CODES = ['99495', '99496'];

/**
 * BPCI Advanced trigger DRGs (anchors through 2025) with a typical anchor payment (cents) and episode target price
 * (cents).
 */
const ANCHOR_DRGS: [string, number, number][] = [
  ['470', 1_450_000, 2_450_000],
  ['469', 2_300_000, 3_900_000],
  ['292', 900_000, 2_100_000],
  ['291', 1_300_000, 2_700_000],
  ['191', 850_000, 1_900_000],
  ['281', 1_100_000, 2_300_000],
  ['309', 750_000, 1_600_000],
  ['481', 1_700_000, 3_300_000],
  ['378', 950_000, 1_900_000],
  ['871', 1_600_000, 3_100_000],
  ['194', 950_000, 2_000_000],
  ['065', 1_100_000, 2_600_000],
];
const OTHER_DRGS = ['391', '603', '690', '641', '812', '948', '313', '552'];
const DISPOSITIONS: [string, number][] = [
  ['01', 52],
  ['06', 20],
  ['03', 15],
  ['02', 3],
  ['07', 2],
  ['20', 2],
  ['50', 3],
  ['62', 3],
];
const CATEGORY_OF: Record<string, string> = {
  '470': 'MJRLE',
  '469': 'MJRLE',
  '292': 'CHF',
  '291': 'CHF',
  '191': 'COPD',
  '281': 'AMI',
  '309': 'ARRHYTHMIA',
  '481': 'HIP_FEMUR',
  '378': 'GI_HEMORRHAGE',
  '871': 'SEPSIS',
  '194': 'PNEUMONIA',
  '065': 'STROKE',
};

/** A synthetic MBI in the CMS format (positions: C A AN N A AN N A A N N; no S, L, O, I, B, Z). */
function mbiFor(rnd: Seeded): string {
  const letters = 'ACDEFGHJKMNPQRTUVWXY';
  const alnum = `0123456789${letters}`;
  const n = () => String(rnd.int(0, 9));
  const a = () => rnd.pick([...letters]);
  const an = () => rnd.pick([...alnum]);
  return `${rnd.int(1, 9)}${a()}${an()}${n()}${a()}${an()}${n()}${a()}${a()}${n()}${n()}`;
}

export function generateFeed(options: FeedOptions): FeedLine[] {
  const rnd = new Seeded(options.seed);
  const year = options.year ?? 2026;
  // BPCI Advanced ended with 2025: a 2026 (or later) year is TEAM's, with outpatient joints too.
  const team = year >= 2026;
  const anchorDrgs = team ? TEAM_DRGS : ANCHOR_DRGS;
  const otherDrgs = team ? [...OTHER_DRGS, ...MEDICAL_DRGS] : OTHER_DRGS;
  const start = `${year}-01-01`;
  const yearDays = daysBetween(start, `${year + 1}-01-01`);
  const dayIn = () => addDays(start, rnd.int(0, yearDays - 1));
  const lines: FeedLine[] = [];
  const refDay = `${year - 1}-12-31`;
  let claimSeq = 0;
  let encounterSeq = 0;
  const spendByAco = new Map<string, number>();
  const membersByAco = new Map<string, number>();
  const acoOn = new Map<string, (date: string) => string | null>();

  const claim = (
    mbi: string,
    claimType: string,
    fromDate: string,
    thruDate: string,
    paid: number,
    extra: Record<string, unknown> = {},
  ) => {
    const id = `${options.seed}-${++claimSeq}`;
    const value: Record<string, unknown> = {
      claimId: `CLM${id}`,
      claimControlNumber: `CCN${id}`,
      adjustmentType: 'ORIGINAL',
      mbi,
      claimType,
      fromDate,
      thruDate,
      billingProviderNpi: `1${String(rnd.int(0, 999_999_999)).padStart(9, '0')}`,
      paidAmountCents: paid,
      ...extra,
    };
    const day = addDays(thruDate, rnd.int(14, 56)); // adjudication lag: 2 to 8 weeks
    lines.push({ day, topic: 'claims', value });
    const countable = paid - Number(extra.imeAmountCents ?? 0) - Number(extra.dshAmountCents ?? 0);
    const aco = acoOn.get(mbi)!(thruDate);
    if (aco && yearOf(thruDate) === year) spendByAco.set(aco, (spendByAco.get(aco) ?? 0) + countable);
    // ~2% of claims are cancelled later; most of those are re-adjusted with a corrected amount.
    if (rnd.chance(0.012)) {
      const cancelDay = addDays(day, rnd.int(7, 28));
      lines.push({
        day: cancelDay,
        topic: 'claims',
        value: { ...value, claimId: `${value.claimId}-C`, adjustmentType: 'CANCELLATION' },
      });
      let net = -countable;
      if (rnd.chance(0.7)) {
        const corrected = Math.max(100, Math.round(paid * (0.85 + rnd.next() * 0.3)));
        lines.push({
          day: addDays(cancelDay, rnd.int(1, 14)),
          topic: 'claims',
          value: { ...value, claimId: `${value.claimId}-A`, adjustmentType: 'ADJUSTMENT', paidAmountCents: corrected },
        });
        net += corrected - Number(extra.imeAmountCents ?? 0) - Number(extra.dshAmountCents ?? 0);
      }
      if (aco && yearOf(thruDate) === year) spendByAco.set(aco, (spendByAco.get(aco) ?? 0) + net);
    }
  };

  const adt = (stay: Stay, encounterClass = 'INPATIENT') => {
    const admitType = stay.planned
      ? 'ELECTIVE'
      : rnd.weighted([
          ['EMERGENCY', 70],
          ['URGENT', 25],
          ['ELECTIVE', 5],
        ] as const);
    lines.push({
      day: stay.admitDate,
      topic: 'admissions',
      value: {
        encounterId: stay.encounterId,
        mbi: stay.mbi,
        facilityId: stay.facilityId,
        admitDate: stay.admitDate,
        encounterClass,
        admitType,
        plannedProcedure: stay.planned,
        eventTime: `${stay.admitDate}T${String(rnd.int(0, 23)).padStart(2, '0')}:15:00Z`,
      },
    });
    lines.push({
      day: stay.dischargeDate,
      topic: 'discharges',
      value: {
        encounterId: stay.encounterId,
        mbi: stay.mbi,
        facilityId: stay.facilityId,
        admitDate: stay.admitDate,
        dischargeDate: stay.dischargeDate,
        disposition: stay.disposition,
        encounterClass,
        drg: encounterClass === 'INPATIENT' ? stay.drg : null,
        eventTime: `${stay.dischargeDate}T16:40:00Z`,
      },
    });
  };

  // After a discharge home, most patients get a timely visit (a TCM code or an office visit within
  // 14 days), some a late one, some none: the care managers' transitional-care worklist.
  const followUp = (stay: Stay) => {
    if (!['01', '06'].includes(stay.disposition)) return;
    const r = rnd.next();
    if (r < 0.3) return;
    const day = addDays(stay.dischargeDate, r < 0.85 ? rnd.int(2, 14) : rnd.int(15, 30));
    claim(stay.mbi, 'PROFESSIONAL', day, day, rnd.int(14_000, 26_000), {
      hcpcsCodes: [rnd.chance(0.6) ? rnd.pick(TCM_CODES) : rnd.pick(VISIT_CODES)],
    });
  };

  const inpatient = (
    mbi: string,
    admitDate: string,
    opts: { facilityId?: string; planned?: boolean; anchorChance?: number } = {},
  ): Stay => {
    const anchor = rnd.chance(opts.anchorChance ?? (team ? 0.25 : 0.35)) ? rnd.pick(anchorDrgs) : null;
    const stay: Stay = {
      encounterId: `ENC${options.seed}-${++encounterSeq}`,
      mbi,
      facilityId: opts.facilityId ?? rnd.pick(HOSPITALS),
      admitDate,
      dischargeDate: addDays(admitDate, rnd.int(2, 8)),
      drg: anchor ? anchor[0] : rnd.pick(otherDrgs),
      disposition: rnd.weighted(DISPOSITIONS),
      planned: opts.planned ?? false,
    };
    adt(stay);
    const paid = anchor ? Math.round(anchor[1] * (0.8 + rnd.next() * 0.4)) : rnd.int(600_000, 2_200_000);
    claim(mbi, 'INPATIENT', stay.admitDate, stay.dischargeDate, paid, {
      admissionDate: stay.admitDate,
      dischargeDate: stay.dischargeDate,
      drg: stay.drg,
      facilityId: stay.facilityId,
      imeAmountCents: Math.round(paid * 0.04),
      dshAmountCents: Math.round(paid * 0.02),
    });
    followUp(stay);
    // Post-acute care after discharge.
    if (stay.disposition === '03') {
      const days = rnd.int(8, 28);
      claim(
        mbi,
        'SNF',
        addDays(stay.dischargeDate, 1),
        addDays(stay.dischargeDate, days),
        days * rnd.int(48_000, 62_000),
        { facilityId: `SNF${rnd.int(100, 140)}` },
      );
    } else if (stay.disposition === '06') {
      claim(mbi, 'HHA', addDays(stay.dischargeDate, 2), addDays(stay.dischargeDate, 31), rnd.int(190_000, 320_000), {
        facilityId: `HHA${rnd.int(200, 230)}`,
      });
    } else if (stay.disposition === '50' || stay.disposition === '51') {
      claim(mbi, 'HOSPICE', addDays(stay.dischargeDate, 1), addDays(stay.dischargeDate, 30), rnd.int(500_000, 700_000));
    }
    return stay;
  };

  // Reference data first: episode prices for every category (two facilities have their own for joints).
  const program = team ? 'TEAM' : 'BPCI_A';
  const categoryOf = team ? TEAM_CATEGORY_OF : CATEGORY_OF;
  for (const [drg, , target] of anchorDrgs) {
    const category = categoryOf[drg]!;
    if (!lines.some((l) => l.topic === 'episode-prices' && l.value.episodeCategory === category)) {
      lines.push({
        day: refDay,
        topic: 'episode-prices',
        value: { program, episodeCategory: category, facilityId: '*', targetPriceCents: target },
      });
    }
  }
  const joints = team ? 'LEJR' : 'MJRLE';
  lines.push({
    day: refDay,
    topic: 'episode-prices',
    value: { program, episodeCategory: joints, facilityId: 'F10001', targetPriceCents: team ? 1_900_000 : 2_200_000 },
  });
  lines.push({
    day: refDay,
    topic: 'episode-prices',
    value: { program, episodeCategory: joints, facilityId: 'F10002', targetPriceCents: team ? 2_250_000 : 2_650_000 },
  });

  for (let b = 0; b < options.beneficiaries; b++) {
    const mbi = mbiFor(rnd);
    const r = rnd.next();
    let cumulative = 0;
    const home = ACO_PLAN.find((p) => (cumulative += p.share * 0.93) > r)?.acoId ?? null;
    if (home && rnd.chance(0.03)) {
      const next = rnd.pick(ACO_PLAN.filter((p) => p.acoId !== home)).acoId;
      lines.push({
        day: refDay,
        topic: 'attribution',
        value: { mbi, acoId: home, effectiveFrom: start, effectiveTo: `${year}-06-30` },
      });
      lines.push({
        day: `${year}-06-30`,
        topic: 'attribution',
        value: { mbi, acoId: next, effectiveFrom: `${year}-07-01`, effectiveTo: null },
      });
      acoOn.set(mbi, (d) => (d < start ? null : d <= `${year}-06-30` ? home : next));
      membersByAco.set(home, (membersByAco.get(home) ?? 0) + 1);
      membersByAco.set(next, (membersByAco.get(next) ?? 0) + 1);
    } else if (home) {
      lines.push({
        day: refDay,
        topic: 'attribution',
        value: { mbi, acoId: home, effectiveFrom: start, effectiveTo: null },
      });
      acoOn.set(mbi, (d) => (d >= start ? home : null));
      membersByAco.set(home, (membersByAco.get(home) ?? 0) + 1);
    } else {
      acoOn.set(mbi, () => null);
    }

    const risk = rnd.weighted([
      ['healthy', 68],
      ['chronic', 27],
      ['high', 5],
    ] as const);
    const visits = { healthy: 3, chronic: 6, high: 10 }[risk];
    for (let i = rnd.int(Math.max(0, visits - 2), visits + 2); i > 0; i--) {
      const d = dayIn();
      claim(
        mbi,
        'PROFESSIONAL',
        d,
        d,
        rnd.int(6_500, 28_000),
        rnd.chance(0.5) ? { hcpcsCodes: [rnd.pick(VISIT_CODES)] } : {},
      );
    }
    // TEAM's outpatient anchors: a knee or hip replaced in a hospital outpatient department, with
    // the surgeon's claim (it counts in spend, it anchors nothing) and home health after it.
    if (team && rnd.chance(risk === 'healthy' ? 0.004 : 0.012)) {
      const d = addDays(start, rnd.int(0, yearDays - 45));
      const [code, paid] = rnd.pick(OUTPATIENT_JOINTS);
      const facilityId = rnd.pick(HOSPITALS);
      claim(mbi, 'OUTPATIENT', d, d, Math.round(paid * (0.85 + rnd.next() * 0.3)), { facilityId, hcpcsCodes: [code] });
      claim(mbi, 'PROFESSIONAL', d, d, rnd.int(120_000, 180_000), { hcpcsCodes: [code] });
      claim(mbi, 'HHA', addDays(d, 2), addDays(d, 24), rnd.int(150_000, 400_000), {
        facilityId: `HHA${rnd.int(200, 230)}`,
      });
    }
    for (let i = rnd.int(0, { healthy: 1, chronic: 2, high: 4 }[risk]); i > 0; i--) {
      const d = dayIn();
      claim(mbi, 'OUTPATIENT', d, d, rnd.int(18_000, 240_000), { facilityId: rnd.pick(HOSPITALS) });
    }
    if (rnd.chance(0.05)) {
      const d = dayIn();
      claim(mbi, 'DME', d, d, rnd.int(9_000, 85_000));
    }
    if (rnd.chance(0.08)) {
      // An emergency visit or an observation stay: never an index stay nor a readmission.
      const d = dayIn();
      const cls = rnd.chance(0.6) ? 'EMERGENCY' : 'OBSERVATION';
      adt(
        {
          encounterId: `ENC${options.seed}-${++encounterSeq}`,
          mbi,
          facilityId: rnd.pick(HOSPITALS),
          admitDate: d,
          dischargeDate: cls === 'EMERGENCY' ? d : addDays(d, 1),
          drg: '',
          disposition: '01',
          planned: false,
        },
        cls,
      );
      claim(mbi, 'OUTPATIENT', d, d, rnd.int(40_000, 160_000), { facilityId: rnd.pick(HOSPITALS) });
    }
    const admissionChance = { healthy: 0.05, chronic: 0.22, high: 0.55 }[risk];
    if (rnd.chance(admissionChance)) {
      let stay = inpatient(mbi, addDays(start, rnd.int(0, yearDays - 40)));
      // Transfers continue the stay at another hospital the same day.
      if (stay.disposition === '02') stay = inpatient(mbi, stay.dischargeDate, { anchorChance: 0 });
      // About 15% of index stays come back within 30 days (from day 2: a stay elsewhere on the day of
      // discharge or the next is a transfer, contract 1.3); a few of those are planned.
      const indexEligible = !['02', '07', '20', '40', '41', '42'].includes(stay.disposition);
      if (indexEligible && rnd.chance(0.17)) {
        const planned = rnd.chance(0.1);
        inpatient(
          mbi,
          addDays(
            stay.dischargeDate,
            rnd.weighted([
              [rnd.int(2, 7), 45],
              [rnd.int(8, 15), 30],
              [rnd.int(16, 30), 25],
            ] as const),
          ),
          { planned, anchorChance: 0.1 },
        );
      }
    }
  }

  // Contracts, with benchmarks set around the actual spend so the ACOs land on both sides.
  for (const plan of ACO_PLAN) {
    const members = membersByAco.get(plan.acoId) ?? 0;
    if (members === 0) continue;
    const perCapita = Math.round(((spendByAco.get(plan.acoId) ?? 0) / members) * plan.factor);
    lines.push({
      day: refDay,
      topic: 'aco-contracts',
      value: {
        acoId: plan.acoId,
        performanceYear: year,
        track: plan.track,
        benchmarkPerCapitaCents: perCapita,
        assignedBeneficiaries: members,
        msrMlr: plan.track === 'BASIC_A' ? 'VARIABLE' : '2.0',
        qualityGate: plan.gate,
        qualityScore: plan.score,
        participantRevenueCents: plan.track === 'ENHANCED' ? null : Math.round(perCapita * members * 0.35),
      },
    });
  }
  return lines.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}
