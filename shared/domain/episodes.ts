import { signedCents } from './claims.ts';
import { addDays } from './dates.ts';
import { categoryForDrg } from './episode-definitions.ts';
import type { BeneficiaryFacts, ClaimFact, Reference } from './facts.ts';
import { deterministicId } from './ids.ts';
import { clamp, roundHalfAwayFromZero } from './money.ts';
import { inpatientStays } from './stays.ts';

/** Episode window: anchor admission through anchor discharge + 89 days, inclusive (contract 1.4). */
export const POST_DISCHARGE_DAYS = 89;
/** NPRA is clamped to +/- this share of the target price. */
export const NPRA_CAP_SHARE = 0.2;

export interface Anchor {
  admitDate: string;
  dischargeDate: string;
  category: string;
  facilityId: string | null;
  source: 'discharge' | 'claim' | 'both';
}

export interface Episode {
  episodeId: string;
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

/**
 * An inpatient claim anchors only while its claim is in force: more original/adjustment records
 * than cancellations under its claim control number, and not denied.
 */
function claimsInForce(claims: ClaimFact[]): ClaimFact[] {
  const balance = new Map<string, number>();
  for (const c of claims) {
    balance.set(c.claimControlNumber, (balance.get(c.claimControlNumber) ?? 0) + (c.adjustmentType === 'CANCELLATION' ? -1 : 1));
  }
  return claims.filter((c) => !c.denied && c.adjustmentType !== 'CANCELLATION' && (balance.get(c.claimControlNumber) ?? 0) > 0);
}

/** The episode category an inpatient claim record would anchor (its DRG on its admit date), or null. */
export function claimAnchorCategory(claim: ClaimFact): string | null {
  return claim.claimType === 'INPATIENT' ? categoryForDrg(claim.drg, claim.admissionDate ?? claim.fromDate) : null;
}

/**
 * Anchor stays from discharge records and from inpatient claims, one per (admit date, discharge
 * date): both sources describing the same stay anchor one episode. Where both carry a trigger DRG,
 * the claim's (adjudicated) DRG and facility win over the ADT feed's.
 */
export function anchors(facts: BeneficiaryFacts): Anchor[] {
  const byStay = new Map<string, Anchor>();
  for (const stay of inpatientStays(facts)) {
    if (stay.dischargeDate === null) continue;
    const category = categoryForDrg(stay.drg, stay.admitDate);
    if (category === null) continue;
    byStay.set(`${stay.admitDate}|${stay.dischargeDate}`, {
      admitDate: stay.admitDate, dischargeDate: stay.dischargeDate, category, facilityId: stay.facilityId, source: 'discharge',
    });
  }
  const inpatient = [...facts.claims.values()].filter((c) => c.claimType === 'INPATIENT');
  for (const claim of claimsInForce(inpatient).sort((a, b) => (a.claimId < b.claimId ? -1 : 1))) {
    const admitDate = claim.admissionDate ?? claim.fromDate;
    const dischargeDate = claim.dischargeDate ?? claim.thruDate;
    const category = claimAnchorCategory(claim);
    if (category === null) continue;
    const key = `${admitDate}|${dischargeDate}`;
    const seen = byStay.get(key);
    byStay.set(key, {
      admitDate, dischargeDate, category,
      facilityId: claim.facilityId ?? seen?.facilityId ?? null,
      source: seen && seen.source !== 'claim' ? 'both' : 'claim',
    });
  }
  return [...byStay.values()].sort((a, b) =>
    a.admitDate !== b.admitDate ? (a.admitDate < b.admitDate ? -1 : 1) : a.dischargeDate < b.dischargeDate ? -1 : a.dischargeDate > b.dischargeDate ? 1 : 0,
  );
}

export function targetPrice(reference: Reference, category: string, facilityId: string | null): number | null {
  if (facilityId !== null) {
    const specific = reference.prices[`${category}|${facilityId}`];
    if (specific !== undefined) return specific;
  }
  return reference.prices[`${category}|*`] ?? null;
}

/**
 * Contract 1.4: episodes follow from the anchors in admit-date order. The earliest opens one; an
 * anchor admitted inside an open window opens none; the first anchor after the window opens the
 * next. Spend is every claim record whose fromDate falls in the window, whenever it arrived.
 */
export function episodes(mbi: string, facts: BeneficiaryFacts, reference: Reference): Episode[] {
  const out: Episode[] = [];
  const claims = [...facts.claims.values()];
  let windowEnd: string | null = null;
  for (const anchor of anchors(facts)) {
    if (windowEnd !== null && anchor.admitDate <= windowEnd) continue;
    windowEnd = addDays(anchor.dischargeDate, POST_DISCHARGE_DAYS);
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
      category: anchor.category,
      anchorAdmitDate: anchor.admitDate,
      anchorDischargeDate: anchor.dischargeDate,
      anchorFacilityId: anchor.facilityId,
      windowEnd,
      spendCents,
      targetPriceCents: targetPrice(reference, anchor.category, anchor.facilityId),
      spendByClaimType,
      status: facts.closures.has(episodeId) ? 'RECONCILED' : 'OPEN',
    });
  }
  return out;
}

/** Contract 1.4: NPRA = target - spend, clamped to +/-20% of target, rounded half away from zero. */
export function npraCents(targetPriceCents: number, spendCents: number): number {
  const cap = targetPriceCents * NPRA_CAP_SHARE;
  return roundHalfAwayFromZero(clamp(targetPriceCents - spendCents, -cap, cap));
}

/** Whether an open episode's window ended before the reconciliation date. */
export function isClosable(episode: Episode, asOf: string): boolean {
  return episode.status === 'OPEN' && episode.windowEnd < asOf;
}
