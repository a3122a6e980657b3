import { describe, expect, it } from 'vitest';
import { applyUpdates, type IncomingFact } from '../../shared/engine/apply.ts';
import { memoryStores } from '../../shared/engine/memory-stores.ts';
import { StateCache } from '../../shared/engine/state-cache.ts';
import type { BeneficiaryStateStore } from '../../shared/engine/stores.ts';
import { SummaryCache } from '../../shared/engine/summary-cache.ts';
import { acoTotals } from '../support/aco-totals.ts';
import { claim, discharge } from '../support/facts.ts';

/**
 * The claims service keeps a beneficiary whose next records only add to totals as its summary, not
 * its whole state (apply.ts, summaryOnly): its claim records are then planned on the summary with
 * no read and no decide() over every fact it holds, and the heap holds a few hundred bytes for it
 * instead of every record. A beneficiary with an episode is derived whole for each claim record, so
 * it stays cached whole.
 */
const QUIET = '1Q000000001';
const IN_EPISODE = '1E000000001';

const attribution: IncomingFact = {
  section: 'attributions',
  id: '0000000001',
  value: { seq: '0000000001', acoId: 'A-EAST', effectiveFrom: '2026-01-01', effectiveTo: null },
  replaces: false,
};
const visit = (id: string, cents: number): IncomingFact => {
  const value = claim({ claimId: id, thruDate: '2026-06-15', fromDate: '2026-06-15', paidAmountCents: cents });
  return { section: 'claims', id, value, replaces: false, year: 2026 };
};
/** A hip replacement stay (DRG 470): a TEAM episode anchor. */
const anchorStay: IncomingFact = {
  section: 'discharges',
  id: 'E1',
  value: discharge({ encounterId: 'E1', admitDate: '2026-05-01', dischargeDate: '2026-05-03', drg: '470' }),
  replaces: true,
};

/** The memory stores, with the beneficiaries each whole read and each summary read asked for. */
function observedStores() {
  const stores = memoryStores();
  const inner = stores.beneficiaries;
  const read = { whole: [] as string[], summaries: [] as string[] };
  const beneficiaries: BeneficiaryStateStore = {
    ...inner,
    load: (mbis, ...rest) => {
      read.whole.push(...mbis);
      return inner.load(mbis, ...rest);
    },
    loadSummaries: (shard, mbis, fields) => {
      read.summaries.push(...mbis);
      return inner.loadSummaries(shard, mbis, fields);
    },
  };
  return { stores: { ...stores, beneficiaries }, read };
}

async function run(summaryOnly: boolean) {
  const { stores, read } = observedStores();
  const cache = new StateCache(100);
  const summaries = new SummaryCache(100);
  const apply = (updates: [string, IncomingFact[]][]) =>
    applyUpdates(stores.beneficiaries, new Map(updates), {
      overrunThresholds: [80, 100],
      outboxOwner: 'test',
      cache,
      summaries,
      summaryOnly,
    });
  await apply([
    [QUIET, [attribution]],
    [IN_EPISODE, [attribution, anchorStay]],
  ]);
  const cachedWhole = { quiet: cache.has(QUIET), inEpisode: cache.has(IN_EPISODE) };
  read.whole.length = 0;
  read.summaries.length = 0;
  await apply([
    [QUIET, [visit('V1', 10_000), visit('V2', 2_500)]],
    [IN_EPISODE, [visit('V3', 40_000)]],
  ]);
  return {
    cachedWhole,
    read,
    totals: await acoTotals({ stores }),
    snapshots: await stores.reads.snapshots([QUIET, IN_EPISODE]),
  };
}

describe('claims kept as summaries (summaryOnly)', () => {
  it('a beneficiary without an episode is kept as its summary and its claim records are planned with no read', async () => {
    const { cachedWhole, read, totals, snapshots } = await run(true);
    expect(cachedWhole).toEqual({ quiet: false, inEpisode: true });
    // The one with an episode has its snapshot stored; the one with nothing derived has none.
    expect(snapshots.map((s) => s !== null && JSON.parse(s).episodes.length)).toEqual([false, 1]);
    // Neither is read: one is known by its summary, the other cached whole.
    expect(read).toEqual({ whole: [], summaries: [] });
    expect(totals).toEqual({ 'A-EAST|2026': { expenditureCents: 52_500, claimRecords: 3 } });
  });

  it('without it, every state is cached whole and gives the same totals', async () => {
    const { cachedWhole, read, totals } = await run(false);
    expect(cachedWhole).toEqual({ quiet: true, inEpisode: true });
    expect(read).toEqual({ whole: [], summaries: [] });
    expect(totals).toEqual({ 'A-EAST|2026': { expenditureCents: 52_500, claimRecords: 3 } });
  });

  it("a new beneficiary's first claim records are planned on the summary of no facts, and that summary is stored", async () => {
    const { stores, read } = observedStores();
    const apply = (updates: [string, IncomingFact[]][], summaries: SummaryCache) =>
      applyUpdates(stores.beneficiaries, new Map(updates), {
        overrunThresholds: [80, 100],
        outboxOwner: 'test',
        cache: new StateCache(100),
        summaries,
        summaryOnly: true,
      });
    const NEW = '1N000000001';
    await apply([[NEW, [visit('V1', 10_000), visit('V2', 2_500)]]], new SummaryCache(100));
    // Asked only whether its records are held, never read whole: nothing was stored.
    expect(read).toEqual({ whole: [], summaries: [NEW] });
    // A service that knows nothing of it finds that summary stored, and needs no whole read either.
    read.summaries.length = 0;
    await apply([[NEW, [visit('V3', 40_000), visit('V1', 10_000)]]], new SummaryCache(100));
    expect(read).toEqual({ whole: [], summaries: [NEW] });
    // Its attribution makes the records count: that needs them, so it is read whole (after the
    // summary read that finds it has some, since this service knows nothing of it).
    read.summaries.length = 0;
    await apply([[NEW, [attribution]]], new SummaryCache(100));
    expect(read).toEqual({ whole: [NEW], summaries: [NEW] });
    expect(await acoTotals({ stores })).toEqual({ 'A-EAST|2026': { expenditureCents: 52_500, claimRecords: 3 } });
    // Derived whole, it has no stay, episode or alert: no snapshot is stored for it.
    expect(await stores.reads.snapshots([NEW])).toEqual([null]);
  });

  it("a new beneficiary's attribution and first claim records take the summary path together; one with records goes whole", async () => {
    const { stores, read } = observedStores();
    const apply = (updates: [string, IncomingFact[]][]) =>
      applyUpdates(stores.beneficiaries, new Map(updates), {
        overrunThresholds: [80, 100],
        outboxOwner: 'test',
        cache: new StateCache(100),
        summaries: new SummaryCache(100),
        summaryOnly: true,
      });
    const [FIRST, LATER] = ['1N000000002', '1N000000003'];
    await apply([
      [FIRST, [attribution, visit('V1', 10_000)]],
      [LATER, [visit('V2', 2_500)]],
    ]);
    expect(read).toEqual({ whole: [], summaries: [FIRST, LATER] });
    // LATER holds a claim record its attribution makes count: read whole.
    read.summaries.length = 0;
    await apply([
      [FIRST, [visit('V3', 40_000)]],
      [LATER, [attribution]],
    ]);
    expect(read).toEqual({ whole: [LATER], summaries: [FIRST, LATER] });
    expect(await acoTotals({ stores })).toEqual({ 'A-EAST|2026': { expenditureCents: 52_500, claimRecords: 3 } });
  });
});
