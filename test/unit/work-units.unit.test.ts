import { describe, expect, it } from 'vitest';
import { Seeded } from '../../shared/random/seeded.ts';
import { workUnits } from '../../shared/service/work-units.ts';

interface Message {
  key: Buffer | null;
  offset: number;
}

function batch(seed: number, size: number, keys: number): Message[] {
  const random = new Seeded(seed);
  return Array.from({ length: size }, (_, offset) => ({
    key: random.chance(0.02) ? null : Buffer.from(`MBI${random.int(0, keys - 1)}`),
    offset,
  }));
}

const keyOf = (m: Message) => m.key?.toString() ?? '';

describe('work units of a batch', () => {
  it('hold every message once, each key whole in one unit and in its order, within the limit', () => {
    for (const [size, keys, limit] of [
      [5_000, 700, 400],
      [5_000, 40, 400],
      [1_000, 1_000, 7],
      [2_000, 3, 500],
    ] as const) {
      const messages = batch(size + keys, size, keys);
      const units = workUnits(messages, limit);
      expect(
        units
          .flat()
          .map((m) => m.offset)
          .sort((a, b) => a - b),
      ).toEqual(messages.map((m) => m.offset));
      const unitOfKey = new Map<string, number>();
      units.forEach((unit, i) => {
        const keysHere = new Set(unit.map(keyOf));
        // Over the limit only when one key alone has more messages than it.
        if (unit.length > limit) expect(keysHere.size).toBe(1);
        for (const key of keysHere) {
          expect(unitOfKey.has(key)).toBe(false);
          unitOfKey.set(key, i);
          const offsets = unit.filter((m) => keyOf(m) === key).map((m) => m.offset);
          expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
        }
      });
    }
  });

  it('fill each unit as far as the next key allows', () => {
    const messages = batch(9, 5_000, 700);
    const units = workUnits(messages, 400);
    const sizes = new Map<string, number>();
    for (const m of messages) sizes.set(keyOf(m), (sizes.get(keyOf(m)) ?? 0) + 1);
    for (let i = 0; i + 1 < units.length; i++) {
      const next = sizes.get(keyOf(units[i + 1]![0]!))!;
      expect(units[i]!.length + next).toBeGreaterThan(400);
    }
  });

  it('leave a batch within the limit, or with no limit, whole', () => {
    const messages = batch(3, 300, 50);
    expect(workUnits(messages, 300)).toEqual([messages]);
    expect(workUnits(messages, 0)).toEqual([messages]);
  });
});
