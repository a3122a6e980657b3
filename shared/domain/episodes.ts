import { signedCents } from './claims.ts';
import { currentVersions } from './claim-versions.ts';
import { addDays } from './dates.ts';
import { priceKey, type BeneficiaryFacts, type ClaimFact, type Reference } from './facts.ts';
import { deterministicId } from './ids.ts';
import { clamp, roundHalfAwayFromZero } from './money.ts';
import {
  ANY_ANCHOR_HCPCS,
  ANY_TRIGGER_DRG,
  categoryForDrg,
  categoryForHcpcs,
  normaliseDrg,
  programDefinition,
  type AnchorMatch,
  type Program,
} from './programs.ts';
import { inpatientStays } from './stays.ts';

export interface Anchor {
  program: Program;
  admitDate: string;
  dischargeDate: string;
  category: string;
  facilityId: string | null;
  source: 'discharge' | 'claim' | 'both';
}

export interface Episode {
  episodeId: string;
  program: Program;
  category: string;
  anchorAdmitDate: string;
  anchorDischargeDate: string;
  anchorFacilityId: string | null;
  windowEnd: string;
  spendCents: number;
  targetPriceCents: number | null;
  /** Spend by claim type, for the alert's largest cost lines. */
  spendByClaimType: Record<string, number>;
  status: 'OPEN' | 'RECONCILED';
}

export function episodeIdFor(mbi: string, anchorAdmitDate: string): string {
  return deterministicId('ep', mbi, anchorAdmitDate);
}

/** The stay an institutional claim describes: admission and discharge dates, else its service dates. */
const stayDatesOf = (c: ClaimFact) => ({
  admitDate: c.admissionDate ?? c.fromDate,
  dischargeDate: c.dischargeDate ?? c.thruDate,
});

/**
 * What a claim version anchors, if it is current: an inpatient claim by its trigger DRG on its
 * admit date, an outpatient claim by an anchor procedure on its service date (TEAM). Denied
 * claims anchor nothing.
 */
export function claimAnchor(claim: ClaimFact): AnchorMatch | null {
  if (claim.denied) return null;
  if (claim.claimType === 'INPATIENT') return categoryForDrg(claim.drg, stayDatesOf(claim).admitDate);
  if (claim.claimType === 'OUTPATIENT') return categoryForHcpcs(claim.hcpcsCodes, claim.fromDate);
  return null;
}

/**
 * Whether a claim record could anchor an episode under any program on any date: a cheap superset
 * of claimAnchor, for deciding whether a record can change anything but totals (incremental-derivation.ts) and
 * whether it must be kept when its year is folded (expiry.ts).
 */
export function couldAnchor(claim: ClaimFact): boolean {
  if (claim.claimType === 'INPATIENT') return claim.drg !== null && ANY_TRIGGER_DRG.has(normaliseDrg(claim.drg));
  if (claim.claimType === 'OUTPATIENT') return claim.hcpcsCodes.some((h) => ANY_ANCHOR_HCPCS.has(h));
  return false;
}

/**
 * Anchor stays from discharge records and from current claim versions, one per (admit date,
 * discharge date): both sources describing the same stay anchor one episode. Where both anchor,
 * the claim's (adjudicated) DRG and facility win over the ADT feed's.
 */
export function anchors(facts: BeneficiaryFacts): Anchor[] {
  const byStay = new Map<string, Anchor>();
  for (const stay of inpatientStays(facts)) {
    if (stay.dischargeDate === null) continue;
    const match = categoryForDrg(stay.drg, stay.admitDate);
    if (match === null) continue;
    byStay.set(`${stay.admitDate}|${stay.dischargeDate}`, {
      ...match,
      admitDate: stay.admitDate,
      dischargeDate: stay.dischargeDate,
      facilityId: stay.facilityId,
      source: 'discharge',
    });
  }
  const current = [...currentVersions(facts.claims.values()).values()].sort((a, b) => (a.claimId < b.claimId ? -1 : 1));
  for (const claim of current) {
    const match = claimAnchor(claim);
    if (match === null) continue;
    const { admitDate, dischargeDate } =
      claim.claimType === 'INPATIENT'
        ? stayDatesOf(claim)
        : { admitDate: claim.fromDate, dischargeDate: claim.fromDate };
    const key = `${admitDate}|${dischargeDate}`;
    const seen = byStay.get(key);
    byStay.set(key, {
      ...match,
      admitDate,
      dischargeDate,
      facilityId: claim.facilityId ?? seen?.facilityId ?? null,
      source: seen && seen.source !== 'claim' ? 'both' : 'claim',
    });
  }
  return [...byStay.values()].sort((a, b) =>
    a.admitDate !== b.admitDate
      ? a.admitDate < b.admitDate
        ? -1
        : 1
      : a.dischargeDate < b.dischargeDate
        ? -1
        : a.dischargeDate > b.dischargeDate
          ? 1
          : 0,
  );
}

/** The program's price for (category, facility), else for (category, '*'); null when there is none. */
export function targetPrice(
  reference: Reference,
  program: Program,
  category: string,
  facilityId: string | null,
): number | null {
  if (facilityId !== null) {
    const specific = reference.prices[priceKey(program, category, facilityId)];
    if (specific !== undefined) return specific;
  }
  return reference.prices[priceKey(program, category, '*')] ?? null;
}

/**
 * Contract 1.4: episodes follow from the anchors in admit-date order. The earliest opens one; an
 * anchor admitted inside an earlier episode's window (of either program) opens none; the first
 * anchor after the window opens the next. The window is the anchor's program's: BPCI Advanced
 * discharge + 89 days, TEAM discharge + 29. Spend is every claim record whose fromDate falls in
 * the window, whenever it arrived.
 */
export function episodes(mbi: string, facts: BeneficiaryFacts, reference: Reference): Episode[] {
  const out: Episode[] = [];
  const claims = [...facts.claims.values()];
  let windowEnd: string | null = null;
  for (const anchor of anchors(facts)) {
    if (windowEnd !== null && anchor.admitDate <= windowEnd) continue;
    windowEnd = addDays(anchor.dischargeDate, programDefinition(anchor.program).postDischargeDays);
    let spendCents = 0;
    const spendByClaimType: Record<string, number> = {};
    for (const c of claims) {
      if (c.fromDate < anchor.admitDate || c.fromDate > windowEnd) continue;
      const cents = signedCents(c);
      spendCents += cents;
      spendByClaimType[c.claimType] = (spendByClaimType[c.claimType] ?? 0) + cents;
    }
    const episodeId = episodeIdFor(mbi, anchor.admitDate);
    out.push({
      episodeId,
      program: anchor.program,
      category: anchor.category,
      anchorAdmitDate: anchor.admitDate,
      anchorDischargeDate: anchor.dischargeDate,
      anchorFacilityId: anchor.facilityId,
      windowEnd,
      spendCents,
      targetPriceCents: targetPrice(reference, anchor.program, anchor.category, anchor.facilityId),
      spendByClaimType,
      status: facts.closures.has(episodeId) ? 'RECONCILED' : 'OPEN',
    });
  }
  return out;
}

/** The per-episode cap as a share of target (contract 1.4: 20% for both programs), from reference data. */
export function episodeCapShare(program: Program): number {
  return programDefinition(program).episodeReconciliation.capShareOfTarget;
}

/** Contract 1.4: target - spend, clamped to +/- the program's share of target, rounded half away from zero. */
export function npraCents(targetPriceCents: number, spendCents: number, capShare = 0.2): number {
  const cap = targetPriceCents * capShare;
  return roundHalfAwayFromZero(clamp(targetPriceCents - spendCents, -cap, cap));
}

/** Whether an open episode's window ended before the reconciliation date. */
export function isClosable(episode: Episode, asOf: string): boolean {
  return episode.status === 'OPEN' && episode.windowEnd < asOf;
}
