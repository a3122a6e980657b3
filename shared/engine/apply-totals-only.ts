import type { IncomingFact } from '../domain/decide.ts';
import type { ClaimFact } from '../domain/facts.ts';
import { addTotalsToSummary } from '../domain/incremental-derivation.ts';
import { newVersion, SLICE } from './beneficiary-store.ts';
import { encodeFact } from './fact-codec.ts';
import { handledLater } from './handled-later.ts';
import { counterDeltas, factField } from './layout.ts';
import { chunksByShard } from './shards.ts';
import type { BeneficiaryStateStore, Commit, SummaryRead } from './stores.ts';
import { decodeSummary, encodeSummary } from './summary-codec.ts';

/**
 * The summary path, for beneficiaries not cached whose new records are claim records: per
 * beneficiary only its version, its totals summary and whether it holds each incoming record are
 * read (SUMMARY_LOAD_SCRIPT), not its facts; when every new record only adds to totals
 * (addTotalsToSummary), the records, the ACO deltas and the summary after them are committed,
 * checked against the version read like any commit. Its cost does not grow with the records a
 * beneficiary holds, which the whole path's read (every fact, decoded and totalled) did.
 * Returns the beneficiaries it could not decide or commit this way, for the whole path: no
 * summary stored, a record that could change more than totals, or another writer in between.
 */
export async function applyTotalsOnly(
  store: BeneficiaryStateStore,
  mbis: string[],
  updates: Map<string, IncomingFact[]>,
  outboxOwner: string,
): Promise<{ committed: number; refused: IncomingFact[]; unresolved: string[] }> {
  if (mbis.length === 0) return { committed: 0, refused: [], unresolved: [] };
  const chunks = chunksByShard(mbis, (mbi) => store.shardOf(mbi), SLICE);
  // Every chunk's read goes out at once; each is decided as it comes back and its commit sent.
  // Each incoming record's fact field, made once: asked of Redis, then written by the commit.
  const fieldsOf = new Map(mbis.map((mbi) => [mbi, updates.get(mbi)!.map((f) => factField('claims', f.id))]));
  const reads = chunks.map(({ shard, mbis: list }) =>
    handledLater(
      store.loadSummaries(
        shard,
        list,
        list.map((mbi) => fieldsOf.get(mbi)!),
      ),
    ),
  );
  const unresolved: string[] = [];
  const refusedBy = new Map<string, IncomingFact[]>();
  const sent: Promise<string[]>[] = [];
  let planned = 0;
  for (let c = 0; c < chunks.length; c++) {
    const { readVersions, closedThrough, byMbi } = await reads[c]!;
    const commits: Commit[] = [];
    for (const mbi of chunks[c]!.mbis) {
      const change = planTotalsOnly(mbi, byMbi.get(mbi)!, updates.get(mbi)!, fieldsOf.get(mbi)!, closedThrough);
      if (change === null) {
        unresolved.push(mbi);
        continue;
      }
      if (change.refused.length > 0) refusedBy.set(mbi, change.refused);
      if (change.commit) commits.push(change.commit);
    }
    if (commits.length > 0) sent.push(handledLater(store.commit(commits, outboxOwner, readVersions)));
    planned += commits.length;
  }
  const stale = (await Promise.all(sent)).flat();
  // A stale beneficiary's refusals are decided again on the whole path.
  for (const mbi of stale) refusedBy.delete(mbi);
  return {
    committed: planned - stale.length,
    refused: [...refusedBy.values()].flat(),
    unresolved: [...unresolved, ...stale],
  };
}

/**
 * One beneficiary's change on its summary: as decide() does, a record already held (or given
 * twice) is a no-op and a new record of a closed year is refused. Null when the summary path
 * cannot decide it.
 */
function planTotalsOnly(
  mbi: string,
  read: SummaryRead,
  incoming: IncomingFact[],
  fields: string[],
  closedThrough: number | null,
): { commit: Commit | null; refused: IncomingFact[] } | null {
  const summary = decodeSummary(read.summary);
  if (summary === null) return null;
  const refused: IncomingFact[] = [];
  const fresh: ClaimFact[] = [];
  const factPairs: string[] = [];
  const taken = new Set<string>();
  incoming.forEach((f, i) => {
    if (read.held[i] || taken.has(f.id)) return;
    if (f.year !== undefined && closedThrough !== null && f.year <= closedThrough) {
      refused.push(f);
      return;
    }
    taken.add(f.id);
    fresh.push(f.value as ClaimFact);
    factPairs.push(fields[i]!, encodeFact(fields[i]!, f.value));
  });
  if (fresh.length === 0) return { commit: null, refused };
  const added = addTotalsToSummary(summary, fresh);
  if (added === null) return null;
  return {
    commit: {
      mbi,
      expectedVersion: read.version,
      newVersion: newVersion(),
      snapshot: '',
      summary: added.summary === summary ? '' : encodeSummary(added.summary),
      factPairs,
      removeFields: [],
      acoDeltas: counterDeltas(added.acoDeltas),
      events: [],
      reconPairs: [],
      episodesChanged: '',
    },
    refused,
  };
}
