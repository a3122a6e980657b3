import { yearOf } from '../../shared/domain/dates.ts';
import { derive } from '../../shared/domain/derive.ts';
import { compactClosedYears } from '../../shared/domain/expiry.ts';
import { applyUpdates, type Extension } from '../../shared/engine/apply.ts';
import type { Context } from '../../shared/service/context.ts';

const SCAN_COUNT = 1000;

/** Folds a beneficiary's foldable claim records of years up to `throughYear` into year summaries. */
function foldInto(throughYear: number, folded: { records: number }): Extension {
  return (mbi, facts, derived, reference) => {
    const compaction = compactClosedYears(facts, derived, throughYear);
    if (!compaction) return null;
    const claims = new Map(facts.claims);
    for (const id of compaction.removed) claims.delete(id);
    const summaries = new Map(facts.summaries);
    for (const s of compaction.summaries) summaries.set(String(s.year), s);
    const after = { ...facts, claims, summaries };
    folded.records += compaction.removed.length;
    return {
      factPairs: compaction.summaries.flatMap((s) => [`y:${s.year}`, JSON.stringify(s)]),
      events: [],
      reconPairs: [],
      // Derived again from what is stored: totals come out the same (the summaries hold them).
      derived: derive(mbi, after, reference),
      removed: { fields: compaction.removed.map((id) => `c:${id}`), facts: after },
    };
  };
}

/**
 * Expiry (see shared/domain/expiry.ts): once a year is closed (by its final reconciliation,
 * `vbc reconcile` after its run-out: closeYearsAsOf in shared/engine/reconcile.ts), fold each
 * beneficiary's records of it into a summary. Claims of it are refused from the close on (commits
 * read before it conflict and re-read). Resumable: a crash mid-way leaves `compactedThrough`
 * behind, and the next tick folds again (a no-op where done).
 */
export async function foldClosedYearsIfDue(ctx: Context): Promise<void> {
  if (ctx.config.claimsRunoutDays === null) return;
  const { redis, keys } = ctx.store;
  const [closed, compacted, earliest] = await redis.mget(keys.closedThrough, keys.compactedThrough, keys.earliestClaim);
  if (closed === null) return;
  const through = Number(closed);
  if (compacted !== null && Number(compacted) >= through) return;
  if (!earliest || yearOf(earliest) > through) {
    // No stored claim is of a closed year: nothing to fold, no pass over the beneficiaries.
    await redis.set(keys.compactedThrough, String(through));
    return;
  }

  const started = Date.now();
  const folded = { records: 0 };
  let beneficiaries = 0;
  let cursor = '0';
  do {
    const [next, mbis] = await redis.sscan(keys.beneficiaries, cursor, 'COUNT', SCAN_COUNT);
    cursor = next;
    if (mbis.length === 0) continue;
    const { committed } = await applyUpdates(ctx.store, new Map(), {
      overrunThresholds: ctx.config.overrunThresholds,
      outboxOwner: 'claims',
      refresh: mbis,
      extension: foldInto(through, folded),
    });
    beneficiaries += committed;
  } while (cursor !== '0');
  await redis.set(keys.compactedThrough, String(through));
  ctx.logger.info(
    { closedThrough: through, beneficiaries, recordsFolded: folded.records, ms: Date.now() - started },
    'closed performance years folded into summaries',
  );
}
