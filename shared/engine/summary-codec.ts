import type { AttributionFact } from '../domain/facts.ts';
import type { TotalsSummary } from '../domain/incremental-derivation.ts';

/**
 * How a beneficiary's totals summary (incremental-derivation.ts) is stored: field `k` of its state
 * hash, as one JSON array
 * `[hasEpisodes 0|1, hasDischarges 0|1, [rule claim numbers], [[seq, aco, from, to or 0], ...], [ACO-years]]`,
 * every list sorted, so one summary always has one text and a commit rewrites it only when it
 * changed. Facts are read from Redis in no fixed order; the text must not depend on it.
 */
export function encodeSummary(s: TotalsSummary): string {
  const attributions = [...s.attributions]
    .sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0))
    .map((a) => [a.seq, a.acoId, a.effectiveFrom, a.effectiveTo ?? 0]);
  return JSON.stringify([
    s.hasEpisodes ? 1 : 0,
    s.hasDischarges ? 1 : 0,
    [...s.ruleClaims].sort(),
    attributions,
    [...s.counted].sort(),
  ]);
}

/** A stored summary; null when none is stored (a state written before summaries, or none yet). */
export function decodeSummary(text: string | null): TotalsSummary | null {
  if (!text) return null;
  const [episodes, discharges, ruleClaims, attributions, counted] = JSON.parse(text) as [
    number,
    number,
    string[],
    [string, string, string, string | 0][],
    string[],
  ];
  return {
    hasEpisodes: episodes === 1,
    hasDischarges: discharges === 1,
    ruleClaims: new Set(ruleClaims),
    attributions: attributions.map(
      ([seq, acoId, effectiveFrom, to]): AttributionFact => ({
        seq,
        acoId,
        effectiveFrom,
        effectiveTo: to === 0 ? null : to,
      }),
    ),
    counted,
  };
}
