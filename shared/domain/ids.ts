import { createHash } from 'node:crypto';

/**
 * Deterministic ids from an object's natural key: the same subject always gets the same id, so
 * re-processing yields the same alert and event ids and consumers can dedupe by id. Hashed so the
 * beneficiary identifier inside the key does not appear in the id.
 */
export function deterministicId(prefix: string, ...parts: (string | number | null)[]): string {
  const digest = createHash('sha256')
    .update(parts.map((p) => String(p)).join('\u001f'))
    .digest('hex');
  return `${prefix}-${digest.slice(0, 24)}`;
}
