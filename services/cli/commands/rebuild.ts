import { readTopic } from '../../../shared/kafka/read-topic.ts';
import { readDeadLetter } from '../../../shared/service/dead-letter.ts';
import { ErrorCode } from '../../../shared/errors/app-error.ts';
import { isDeepStrictEqual } from 'node:util';
import { groupIdFor, startService } from '../../../shared/service/consumer-service.ts';
import { openContext, type Context } from '../../../shared/service/context.ts';
import { SERVICES } from '../../registry.ts';
import { serviceLag } from '../catch-up.ts';
import { exportState } from '../state-export.ts';
import { stringOption, type Command } from './command.ts';

export const rebuildCommand: Command = {
  usage: 'rebuild [--timeout SECONDS]',
  summary: 'recompute all state from the retained topics and show it equals the state before',
  help: `With the services stopped: deletes this product's Redis state, rewinds every service's
consumer group to the start of its topics (by deleting the idle groups) and re-consumes them all, then compares the rebuilt state
export with the one before (exit 0 when identical, 1 with the differences otherwise).
Nothing is published again: alerts, reconciliation events and dead letters went out the first time.
Operator decisions that are on no topic are carried over: episode closures and the reconciliation
records of 'vbc reconcile', the schedule's bookmark, and the closed performance year (the claims
its close refused, as the claims dead-letter topic lists them, are refused again).`,
  options: { timeout: { type: 'string' } },
  async run(input) {
    const timeoutMs = Number(stringOption(input, 'timeout') ?? 600) * 1000;
    if (!(timeoutMs > 0)) throw new Error('--timeout needs a number of seconds');
    const ctx = await openContext('vbc-rebuild');
    try {
      const busy = (await serviceLag(ctx)).filter((l) => l.members > 0).map((l) => l.service);
      if (busy.length > 0)
        throw new Error(
          `stop the running services first (${busy.join(', ')} still consuming): a rebuild needs their groups idle`,
        );
      const before = await exportState(ctx.stores);
      const carried = await carryOver(ctx);
      await ctx.stores.deleteAll();
      await carried.restore();
      await rewindGroups(ctx);
      await reconsume(ctx, timeoutMs, carried.refusedBefore);
      await carried.closeYears();
      const after = await exportState(ctx.stores);
      if (isDeepStrictEqual(after, before)) {
        console.error(
          `rebuild: state recomputed from the topics equals the state before (${after.acos.length} ACO-years, ${after.readmissions.length} readmissions, ${after.episodes.length} episodes, ${after.alerts.length} alerts in force, ${after.reconciliations.length} reconciliations)`,
        );
        return 0;
      }
      for (const section of Object.keys(before) as (keyof typeof before)[]) {
        if (!isDeepStrictEqual(before[section], after[section]))
          console.error(
            `rebuild: ${section} differ: before ${JSON.stringify(before[section]).slice(0, 400)} after ${JSON.stringify(after[section]).slice(0, 400)}`,
          );
      }
      return 1;
    } finally {
      await ctx.close();
    }
  },
};

/**
 * What no topic holds: episode closure facts, the reconciliation records, the schedule's bookmark,
 * and the closed year with the claims refused because of it (from the claims dead-letter topic:
 * the same claims are refused again, the year's others count as they did).
 */
async function carryOver(ctx: Context) {
  const { clock, reads, reference } = ctx.stores;
  const { closedThrough } = await clock.expiry();
  const refusedBefore = new Set<string>();
  if (closedThrough !== null) {
    for (const m of await readTopic(ctx.kafka, ctx.admin, ctx.topics.deadLetter('claims'))) {
      const { code, source } = readDeadLetter(m);
      if (code === ErrorCode.PERIOD_CLOSED && 'partition' in source)
        refusedBefore.add(`${source.partition}|${source.offset}`);
    }
  }
  const mbis = await reads.beneficiaries();
  const closures = (await reads.closureFacts(mbis))
    .map((pairs, i) => ({ mbi: mbis[i]!, pairs }))
    .filter((c) => c.pairs.length > 0);
  const reconciliations = await reference.reconciliations();
  const bookmark = await clock.lastScheduledRun();
  return {
    refusedBefore,
    /** After the re-read: the year is closed again, and the claims service folds it anew. */
    closeYears: async () => {
      if (closedThrough !== null) await clock.closeThrough(closedThrough);
    },
    restore: async () => {
      for (const c of closures) await reads.restoreFacts(c.mbi, c.pairs);
      await reference.restoreReconciliations(reconciliations);
      if (bookmark) await clock.setLastScheduledRun(bookmark);
    },
  };
}

/**
 * Rewinds every service's group to the start of its topics by deleting the (idle) groups: a group
 * with no committed offsets starts from the beginning, as the services subscribe. (Resetting the
 * offsets instead costs kafkajs a group join per topic, seconds each.)
 */
async function rewindGroups(ctx: Context): Promise<void> {
  const groups = Object.values(SERVICES).map((spec) => groupIdFor(ctx.config.groupPrefix, spec.name));
  const existing = new Set((await ctx.admin.listGroups()).groups.map((g) => g.groupId));
  const toDelete = groups.filter((g) => existing.has(g));
  if (toDelete.length > 0) await ctx.admin.deleteGroups(toDelete);
}

/**
 * Runs every service in this process, publishing nothing, until all groups reached the end; then drops the outboxes.
 */
async function reconsume(ctx: Context, timeoutMs: number, refusedBefore: ReadonlySet<string>): Promise<void> {
  const running = [];
  for (const spec of Object.values(SERVICES))
    running.push(await startService(ctx, spec, { publish: false, refusedBefore }));
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lags = await serviceLag(ctx);
      if (lags.every((l) => l.lag === 0)) break;
      if (Date.now() > deadline)
        throw new Error(`rebuild did not reach the end of the topics within ${timeoutMs / 1000}s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    for (const r of running) await r.stop();
  }
  await ctx.stores.outbox.discard(Object.keys(SERVICES));
}
