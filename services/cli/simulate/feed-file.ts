import { Seeded } from '../../../shared/random/seeded.ts';
import type { FeedLine } from './feed-generator.ts';

/** How a malformed line is broken; each is one that real feeds produce. */
const BREAKAGES: ((line: FeedLine) => string | null)[] = [
  (l) => JSON.stringify({ topic: l.topic, value: l.value }).slice(0, 40), // truncated in transit
  (l) => ('mbi' in l.value ? JSON.stringify({ topic: l.topic, value: { ...l.value, mbi: null } }) : null),
  (l) => (l.topic === 'claims' ? JSON.stringify({ topic: l.topic, value: { ...l.value, claimType: 'DENTAL' } }) : null),
  (l) =>
    l.topic === 'claims'
      ? JSON.stringify({ topic: l.topic, value: { ...l.value, paidAmountCents: -Number(l.value.paidAmountCents) } })
      : null,
  (l) =>
    l.topic === 'claims'
      ? JSON.stringify({ topic: l.topic, value: { ...l.value, fromDate: l.value.thruDate, thruDate: '2020-01-01' } })
      : null,
  (l) =>
    l.topic === 'discharges' ? JSON.stringify({ topic: l.topic, value: { ...l.value, disposition: '99' } }) : null,
];

export const MALFORMED_SHARE = 0.005;

/**
 * The scenario file's lines: one JSON object a line in publish order, with about 0.5% malformed
 * copies of real records inserted (the real record stays, so the data is complete and the bad
 * copies only exercise the dead-letter path).
 */
export function renderFeed(lines: FeedLine[], seed: number): { text: string; malformed: number } {
  const { lines: out, malformed } = renderFeedLines(lines, seed);
  return { text: `${out.join('\n')}\n`, malformed };
}

/** The same, as lines: a large feed (500,000 beneficiaries) is longer than one string may be. */
export function renderFeedLines(lines: FeedLine[], seed: number): { lines: string[]; malformed: number } {
  const rnd = new Seeded(seed ^ 0x5eed);
  const out: string[] = [];
  let malformed = 0;
  for (const line of lines) {
    out.push(JSON.stringify({ topic: line.topic, value: line.value }));
    if (!rnd.chance(MALFORMED_SHARE)) continue;
    const bad = rnd.pick(BREAKAGES)(line) ?? BREAKAGES[0]!(line)!;
    out.push(bad);
    malformed++;
  }
  return { lines: out, malformed };
}
