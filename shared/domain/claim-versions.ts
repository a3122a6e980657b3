import type { ClaimFact } from './facts.ts';

/**
 * Contract 1.4, claim versions: records sharing a claim control number are versions of one claim.
 * The claim is cancelled when it has at least as many CANCELLATION records as ORIGINAL and
 * ADJUSTMENT records together; otherwise its current version is its ORIGINAL or ADJUSTMENT record
 * with the latest effectiveDate (none = oldest), ties going to the greatest claimId. Only current
 * versions anchor episodes or close transitional-care gaps; amounts still sum every record (1.1).
 */
export function currentVersions(claims: Iterable<ClaimFact>): Map<string, ClaimFact> {
  const byClaim = new Map<string, { balance: number; current: ClaimFact | null }>();
  for (const c of claims) {
    let entry = byClaim.get(c.claimControlNumber);
    if (!entry) byClaim.set(c.claimControlNumber, (entry = { balance: 0, current: null }));
    if (c.adjustmentType === 'CANCELLATION') {
      entry.balance--;
      continue;
    }
    entry.balance++;
    if (entry.current === null || later(c, entry.current)) entry.current = c;
  }
  const out = new Map<string, ClaimFact>();
  for (const [ccn, { balance, current }] of byClaim) if (balance > 0 && current !== null) out.set(ccn, current);
  return out;
}

/** Whether version a replaces version b: later effectiveDate (null oldest), then greater claimId. */
function later(a: ClaimFact, b: ClaimFact): boolean {
  const ea = a.effectiveDate ?? '';
  const eb = b.effectiveDate ?? '';
  if (ea !== eb) return ea > eb;
  return a.claimId > b.claimId;
}
