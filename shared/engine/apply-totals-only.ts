import type { IncomingFact } from '../domain/decide.ts';
import { restoreDerived } from '../domain/derive.ts';
import { emptyFacts, type AttributionFact, type ClaimFact } from '../domain/facts.ts';
import { addTotalsToSummary, summaryOf, type TotalsSummary } from '../domain/incremental-derivation.ts';
import { newVersion, SLICE } from './beneficiary-store.ts';
import { encodeFact } from './fact-codec.ts';
import { handledLater } from './handled-later.ts';
import { factField } from './layout.ts';
import { chunksByShard } from './shards.ts';
import { NO_VERSION, type BeneficiaryStateStore, type Commit, type SummaryRead } from './stores.ts';
import { decodeSummary, encodeSummary } from './summary-codec.ts';
import type { KnownSummary, SummaryCache } from './summary-cache.ts';

/**
 * The summary path, for beneficiaries not cached whose new records are claim records (and, for one
 * with nothing stored yet, attribution records): per
 * beneficiary only its version, its totals summary and whether it holds each incoming record are
 * read (SUMMARY_LOAD_SCRIPT), not its facts; when every new record only adds to totals
 * (addTotalsToSummary), the records, the ACO deltas and the summary after them are committed,
 * checked against the version read like any commit. Its cost does not grow with the records a
 * beneficiary holds, which the whole path's read (every fact, decoded and totalled) did.
 * Beneficiaries whose version and summary this service committed last (`known`) are not read at
 * all: their commit also checks that none of their new records is held yet, and one refused is
 * forgotten there and goes through this path again, read.
 * A beneficiary with nothing stored yet is planned on the summary of no facts.
 * Returns the beneficiaries it could not decide or commit this way, for the whole path: a state
 * stored without a summary, a record that could change more than totals, or another writer in between.
 */
export async function applyTotalsOnly(
  store: BeneficiaryStateStore,
  mbis: string[],
  updates: Map<string, IncomingFact[]>,
  outboxOwner: string,
  known: SummaryCache,
): Promise<{ committed: number; refused: IncomingFact[]; unresolved: string[] }> {
  if (mbis.length === 0) return { committed: 0, refused: [], unresolved: [] };
  const chunks = chunksByShard(
    mbis,
    (mbi) => store.shardOf(mbi),
    SLICE,
    (mbi) => updates.get(mbi)!.length,
  );
  // Every chunk's read goes out at once; each is decided as it comes back and its commit sent.
  // Each incoming record's fact field, made once: asked of Redis, then written by the commit.
  const fieldsOf = new Map<string, string[]>();
  for (const mbi of mbis) {
    const incoming = updates.get(mbi)!;
    const fields: string[] = [];
    for (const f of incoming) fields.push(factField(f.section, f.id));
    fieldsOf.set(mbi, fields);
  }
  // What is known of each beneficiary as the reads go out (a concurrent batch may change it later).
  const entries = new Map<string, KnownSummary>();
  const reads = chunks.map(({ shard, mbis: list }) => {
    if (known.shardRead(shard)) {
      for (const mbi of list) {
        const entry = known.get(mbi);
        if (entry) entries.set(mbi, entry);
      }
    }
    const unknown = list.filter((mbi) => !entries.has(mbi));
    return unknown.length > 0
      ? handledLater(
          store.loadSummaries(
            shard,
            unknown,
            unknown.map((mbi) => fieldsOf.get(mbi)!),
          ),
        )
      : null;
  });
  const unresolved: string[] = [];
  const refusedBy = new Map<string, IncomingFact[]>();
  const sent: Promise<{ committed: number; stale: Commit[] }>[] = [];
  for (let c = 0; c < chunks.length; c++) {
    const { shard, mbis: list } = chunks[c]!;
    const read = await reads[c];
    if (read) known.noteShardRead(shard, read);
    const { readVersions, closedThrough } = read ?? known.shardRead(shard)!;
    const commits: Commit[] = [];
    // The summary after each commit (same position), for the cache once it is applied.
    const summaryAfter: string[] = [];
    for (const mbi of list) {
      const incoming = updates.get(mbi)!;
      const entry = entries.get(mbi);
      // Refusing a record of a closed year needs to know it is not held (a held one is a no-op): read.
      if (entry && incoming.some((f) => isClosed(f, closedThrough))) {
        known.delete(mbi);
        unresolved.push(mbi);
        continue;
      }
      // A known beneficiary is planned on what this service wrote last, as it is held (no copy).
      const got = read?.byMbi.get(mbi);
      const change = planTotalsOnly(
        mbi,
        got ?? entry!,
        got?.held ?? NONE_HELD,
        incoming,
        fieldsOf.get(mbi)!,
        closedThrough,
      );
      if (change === null) {
        unresolved.push(mbi);
        continue;
      }
      if (change.refused.length > 0) refusedBy.set(mbi, change.refused);
      if (change.commit) {
        change.commit.mustBeNew = entry !== undefined;
        commits.push(change.commit);
        summaryAfter.push(change.summary);
      }
    }
    if (commits.length === 0) continue;
    const committing = store.commit(commits, outboxOwner, readVersions).then((stale) => {
      const refused = new Set(stale);
      commits.forEach((commit, i) => {
        if (!refused.has(commit.mbi)) known.set(commit.mbi, commit.newVersion!, summaryAfter[i]!);
      });
      return { committed: commits.length - refused.size, stale: commits.filter((commit) => refused.has(commit.mbi)) };
    });
    sent.push(handledLater(committing));
  }
  let committed = 0;
  const again: string[] = [];
  for (const result of await Promise.all(sent)) {
    committed += result.committed;
    // A stale beneficiary's refusals are decided again, read.
    for (const { mbi, mustBeNew } of result.stale) {
      refusedBy.delete(mbi);
      if (mustBeNew) {
        known.delete(mbi);
        again.push(mbi);
      } else unresolved.push(mbi);
    }
  }
  const retried = await applyTotalsOnly(store, again, updates, outboxOwner, known);
  return {
    committed: committed + retried.committed,
    refused: [...[...refusedBy.values()].flat(), ...retried.refused],
    unresolved: [...unresolved, ...retried.unresolved],
  };
}

/**
 * The summary of a beneficiary with no facts (no attribution, no episode, nothing counted), as
 * derived; made once and shared, since no one changes a summary in place (addTotalsToSummary and
 * planTotalsOnly make a new one when it changes).
 */
const NO_FACTS: TotalsSummary = (() => {
  const facts = emptyFacts();
  return summaryOf(restoreDerived('', facts), facts);
})();

/** A beneficiary planned on what the service knows: whether it holds its records is checked by the commit. */
const NONE_HELD: readonly boolean[] = Object.freeze([]);

const isClosed = (f: IncomingFact, closedThrough: number | null) =>
  f.year !== undefined && closedThrough !== null && f.year <= closedThrough;

/**
 * One beneficiary's change on its summary: as decide() does, a record already held (or given
 * twice) is a no-op and a new record of a closed year is refused. Null when the summary path
 * cannot decide it.
 */
function planTotalsOnly(
  mbi: string,
  read: Pick<SummaryRead, 'version' | 'summary'>,
  held: SummaryRead['held'],
  incoming: IncomingFact[],
  fields: string[],
  closedThrough: number | null,
): { commit: Commit | null; refused: IncomingFact[]; summary: string } | null {
  // Nothing stored yet: the summary of no facts, so a new beneficiary's first records take this
  // path too (the commit's version check still sees one written meanwhile). A state with a version
  // and no summary (written before summaries) is read whole.
  const nothingStored = read.version === NO_VERSION && read.summary === '';
  // An attribution changes the ACO of every claim record held: a summary's matter only with none held.
  if (!nothingStored && incoming.some((f) => f.section === 'attributions')) return null;
  const summary = nothingStored ? NO_FACTS : decodeSummary(read.summary);
  if (summary === null) return null;
  const refused: IncomingFact[] = [];
  const claims: ClaimFact[] = [];
  const attributions: AttributionFact[] = [];
  const factPairs: string[] = [];
  // A record given twice in the batch counts once (a Set only when there is more than one).
  const taken = incoming.length > 1 ? new Set<string>() : null;
  for (let i = 0; i < incoming.length; i++) {
    const f = incoming[i]!;
    const field = fields[i]!;
    if (held[i] || taken?.has(field)) continue;
    if (isClosed(f, closedThrough)) {
      refused.push(f);
      continue;
    }
    taken?.add(field);
    if (f.section === 'attributions') attributions.push(f.value as AttributionFact);
    else claims.push(f.value as ClaimFact);
    factPairs.push(field, encodeFact(field, f.value));
  }
  if (factPairs.length === 0) return { commit: null, refused, summary: read.summary };
  const roster =
    attributions.length > 0 ? { ...summary, attributions: [...summary.attributions, ...attributions] } : summary;
  const added = addTotalsToSummary(roster, claims);
  if (added === null) return null;
  // Rewritten only when it changed, or when none is stored yet (the next batch must find one).
  const after = added.summary === summary && read.summary !== '' ? read.summary : encodeSummary(added.summary);
  return {
    commit: {
      mbi,
      expectedVersion: read.version,
      newVersion: newVersion(),
      snapshot: '',
      summary: after === read.summary ? '' : after,
      factPairs,
      removeFields: [],
      acoDeltas: added.acoDeltas,
      events: [],
      reconPairs: [],
      episodesChanged: '',
    },
    refused,
    summary: after,
  };
}
