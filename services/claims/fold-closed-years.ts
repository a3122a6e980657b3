import { yearOf } from '../../shared/domain/dates.ts';
import type { Transform } from '../../shared/domain/decide.ts';
import { foldClosedYears } from '../../shared/domain/expiry.ts';
import { applyUpdates } from '../../shared/engine/apply.ts';
import type { ServiceContext } from '../../shared/service/context.ts';

const SCAN_COUNT = 1000;

/**
 * Expiry (see shared/domain/expiry.ts): once a year is closed (by its final reconciliation,
 * `vbc reconcile` after its run-out: closeYearsAsOf in shared/engine/reconcile.ts), fold each
 * beneficiary's records of it into a summary. Claims of it are refused from the close on (commits
 * read before it conflict and re-read). Resumable: a crash mid-way leaves `compactedThrough`
 * behind, and the next tick folds again (a no-op where done).
 */
export async function foldClosedYearsIfDue(ctx: ServiceContext): Promise<void> {
  if (ctx.config.claimsRunoutDays === null) return;
  const { clock, reads, beneficiaries: store } = ctx.stores;
  const { closedThrough: through, compactedThrough: compacted, earliestClaim: earliest } = await clock.expiry();
  if (through === null) return;
  if (compacted !== null && compacted >= through) return;
  if (!earliest || yearOf(earliest) > through) {
    // No stored claim is of a closed year: nothing to fold, no pass over the beneficiaries.
    await clock.setCompactedThrough(through);
    return;
  }

  const started = Date.now();
  const folded = { records: 0 };
  const fold = foldClosedYears(through);
  // Counts the records folded, for the log line (a retried beneficiary counts again: a log figure only).
  const counting: Transform = (...args) => {
    const done = fold(...args);
    if (done) folded.records += done.removed.length;
    return done;
  };
  let beneficiaries = 0;
  let cursor = '0';
  do {
    const [next, mbis] = await reads.scanBeneficiaries(cursor, SCAN_COUNT);
    cursor = next;
    if (mbis.length === 0) continue;
    const { committed } = await applyUpdates(store, new Map(), {
      overrunThresholds: ctx.config.overrunThresholds,
      outboxOwner: 'claims',
      refresh: mbis,
      transform: counting,
    });
    beneficiaries += committed;
  } while (cursor !== '0');
  await clock.setCompactedThrough(through);
  ctx.logger.info(
    { closedThrough: through, beneficiaries, recordsFolded: folded.records, ms: Date.now() - started },
    'closed performance years folded into summaries',
  );
}
