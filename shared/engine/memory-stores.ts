import { restoreDerived } from '../domain/derive.ts';
import { emptyFacts, type BeneficiaryFacts } from '../domain/facts.ts';
import type { AcoContract } from '../domain/mssp.ts';
import type { ReconciliationRecord } from '../domain/reconciliation-record.ts';
import { newVersion } from './beneficiary-store.ts';
import { reconciliationField } from './events.ts';
import { decodeFact } from './fact-codec.ts';
import { addCounterDeltas, parseFactField } from './layout.ts';
import type { BeneficiaryState } from './state-cache.ts';
import {
  NO_VERSION,
  shardRead,
  type Commit,
  type Loaded,
  type Stores,
  type SummariesLoaded,
  type SummaryRead,
} from './stores.ts';

/**
 * The stores in memory (stores.ts), for the broker-free test driver: the same semantics as the
 * Redis scripts (commit-script.ts), facts kept in their stored encoding so the codec is exercised
 * too. One process, one event loop: each call is atomic as a script is. One shard: the memory has
 * no slots to spread over.
 */
export function memoryStores(): Stores {
  const facts = new Map<string, Map<string, string>>();
  const states = new Map<string, { v: string; d: string | null; k: string }>();
  const beneficiaries = new Set<string>();
  const withEpisodes = new Set<string>();
  const acoIndex = new Set<string>();
  const aco = new Map<string, Map<string, number>>();
  const prices = new Map<string, number>();
  let pricesVersion = '0';
  const contracts = new Map<string, AcoContract>();
  const reconciliations = new Map<string, string>();
  const outboxes = new Map<string, string[]>();
  let outboxSeq = 0;
  let closedThrough: string | null = null;
  /** What a load reads of the prices version and closed year, as the scripts do. */
  const read = () => shardRead(pricesVersion, closedThrough ?? '');
  let compactedThrough: string | null = null;
  let earliestClaim: string | null = null;
  let eventClock: string | null = null;
  const partitionClocks = new Map<string, string>();
  const latestByPartition = new Map<number, Map<string, number>>();
  let lastScheduledRun: string | null = null;
  const applied = new Map<string, Map<string, string>>();
  const deadLettered = new Map<string, number>();

  const outboxOf = (owner: string) => {
    let list = outboxes.get(owner);
    if (!list) outboxes.set(owner, (list = []));
    return list;
  };
  const factsOf = (mbi: string) => {
    let hash = facts.get(mbi);
    if (!hash) facts.set(mbi, (hash = new Map()));
    return hash;
  };
  const parse = (hash: Map<string, string> | undefined): BeneficiaryFacts => {
    const out = emptyFacts();
    for (const [field, json] of hash ?? []) {
      const at = parseFactField(field);
      if (at) (out[at.section] as Map<string, unknown>).set(at.id, decodeFact(field, json));
    }
    return out;
  };

  return {
    beneficiaries: {
      shardOf: () => 0,
      load: async (mbis, overrunThresholds): Promise<Loaded> => {
        const byMbi = new Map<string, BeneficiaryState>();
        for (const mbi of mbis) {
          const f = parse(facts.get(mbi));
          const s = states.get(mbi);
          byMbi.set(mbi, {
            facts: f,
            version: s?.v ?? NO_VERSION,
            derived: restoreDerived(s?.d ?? '', f),
            snapshot: s?.d ?? '',
            summary: s?.k ?? '',
          });
        }
        return {
          reference: { prices: Object.fromEntries(prices), overrunThresholds },
          ...read(),
          byMbi,
        };
      },
      loadSummaries: async (_shard, mbis, fields): Promise<SummariesLoaded> => {
        const byMbi = new Map<string, SummaryRead>();
        mbis.forEach((mbi, i) => {
          const s = states.get(mbi);
          const hash = facts.get(mbi);
          byMbi.set(mbi, {
            version: s?.v ?? NO_VERSION,
            summary: s?.k ?? '',
            held: fields[i]!.map((f) => hash?.has(f) === true),
          });
        });
        return { ...read(), byMbi };
      },
      commit: async (commits: Commit[], owner, readVersions) => {
        if (commits.length === 0) return [];
        if (read().readVersions !== readVersions) return commits.map((c) => c.mbi);
        // As the commit script: stale ones are refused, the rest committed.
        const stale = new Set(
          commits.filter(
            (c) =>
              (states.get(c.mbi)?.v ?? NO_VERSION) !== c.expectedVersion ||
              (c.mustBeNew === true && c.factPairs.some((f, i) => i % 2 === 0 && facts.get(c.mbi)?.has(f) === true)),
          ),
        );
        for (const c of commits) {
          if (stale.has(c)) continue;
          const hash = factsOf(c.mbi);
          for (let i = 0; i < c.factPairs.length; i += 2) hash.set(c.factPairs[i]!, c.factPairs[i + 1]!);
          const held = states.get(c.mbi);
          states.set(c.mbi, {
            v: c.newVersion ?? newVersion(),
            d: c.snapshot === '' ? (held?.d ?? null) : c.snapshot,
            k: c.summary === '' ? (held?.k ?? '') : c.summary,
          });
          for (const e of c.events) outboxOf(owner).push(`${++outboxSeq}|${e}`);
          for (let i = 0; i < c.reconPairs.length; i += 2) reconciliations.set(c.reconPairs[i]!, c.reconPairs[i + 1]!);
          for (const f of c.removeFields ?? []) hash.delete(f);
          if (c.expectedVersion === NO_VERSION) beneficiaries.add(c.mbi);
          if (c.episodesChanged === '+') withEpisodes.add(c.mbi);
          else if (c.episodesChanged === '-') withEpisodes.delete(c.mbi);
          for (const acoYear of c.acoDeltas.keys()) acoIndex.add(acoYear);
          addCounterDeltas(aco, c.acoDeltas);
        }
        return [...stale].map((c) => c.mbi);
      },
      versions: async (mbis) => mbis.map((mbi) => states.get(mbi)?.v ?? NO_VERSION),
    },
    outbox: {
      shards: 1,
      append: async (owner, events, records: ReconciliationRecord[]) => {
        for (const e of events) outboxOf(owner).push(`${++outboxSeq}|${e}`);
        for (const r of records) reconciliations.set(reconciliationField(r), JSON.stringify(r));
      },
      head: async (owner, _shard, n) => outboxOf(owner).slice(0, n),
      ack: async (owner, _shard, first, n) => {
        const list = outboxOf(owner);
        if (list[0] === first) list.splice(0, n);
      },
      pending: async (owners) => owners.reduce((n, o) => n + outboxOf(o).length, 0),
      discard: async (owners) => {
        for (const o of owners) outboxes.delete(o);
      },
    },
    clock: {
      advance: async (partition, latest, quorum, earliest) => {
        let held = latestByPartition.get(partition);
        if (!held) latestByPartition.set(partition, (held = new Map()));
        for (const r of latest) held.set(r.claimId, Number(r.thruDate.replaceAll('-', '')));
        // The highest `quorum` by (score, member), as the sorted set keeps them.
        const ranked = [...held].sort(([ma, a], [mb, b]) => (a !== b ? a - b : ma < mb ? -1 : 1));
        for (const [member] of ranked.slice(0, Math.max(0, ranked.length - quorum))) held.delete(member);
        if (earliestClaim === null || earliest < earliestClaim) earliestClaim = earliest;
        if (held.size < quorum) return;
        const low = String(Math.min(...held.values())).padStart(8, '0');
        const date = `${low.slice(0, 4)}-${low.slice(4, 6)}-${low.slice(6, 8)}`;
        const p = partitionClocks.get(String(partition));
        if (p !== undefined && date <= p) return;
        partitionClocks.set(String(partition), date);
        const clocks = [...partitionClocks.values()].sort();
        eventClock = clocks[Math.floor((clocks.length + 1) / 2) - 1]!;
      },
      eventClock: async () => eventClock,
      partitionClocks: async () => Object.fromEntries(partitionClocks),
      expiry: async () => ({
        closedThrough: closedThrough === null ? null : Number(closedThrough),
        compactedThrough: compactedThrough === null ? null : Number(compactedThrough),
        earliestClaim,
      }),
      closeThrough: async (year) => {
        if (closedThrough === null || year > Number(closedThrough)) closedThrough = String(year);
        return Number(closedThrough);
      },
      setCompactedThrough: async (year) => {
        compactedThrough = String(year);
      },
      lastScheduledRun: async () => lastScheduledRun,
      setLastScheduledRun: async (asOf) => {
        lastScheduledRun = asOf;
      },
    },
    reference: {
      save: async (saved, savedPrices) => {
        for (const c of saved) contracts.set(`${c.acoId}|${c.performanceYear}`, c);
        for (const p of savedPrices) prices.set(p.key, p.targetPriceCents);
        if (savedPrices.length > 0) pricesVersion = newVersion();
      },
      contracts: async () => [...contracts.values()],
      reconciliations: async () =>
        [...reconciliations]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([, json]) => JSON.parse(json) as ReconciliationRecord),
      restoreReconciliations: async (records) => {
        for (const r of records) reconciliations.set(reconciliationField(r), JSON.stringify(r));
      },
    },
    applied: {
      record: async (groupId, field, expectedAtLeast, next) => {
        let hash = applied.get(groupId);
        if (!hash) applied.set(groupId, (hash = new Map()));
        const held = hash.get(field);
        if (held !== undefined && expectedAtLeast !== null && Number(held) < Number(expectedAtLeast)) return held;
        hash.set(field, next);
        return null;
      },
      held: async (groupId, fields) => fields.map((f) => applied.get(groupId)?.get(f) ?? null),
      onReconnect: () => () => undefined,
    },
    reads: {
      beneficiaries: async () => [...beneficiaries],
      scanBeneficiaries: async () => ['0', [...beneficiaries]],
      episodeBeneficiaries: async () => [...withEpisodes],
      acoYears: async () => [...acoIndex],
      acoTotals: async (acoYears) =>
        acoYears.map((k) => Object.fromEntries([...(aco.get(k) ?? [])].map(([f, n]) => [f, String(n)]))),
      snapshots: async (mbis) => mbis.map((mbi) => states.get(mbi)?.d ?? null),
      closureFacts: async (mbis) =>
        mbis.map((mbi) =>
          [...(facts.get(mbi) ?? [])].filter(([f]) => parseFactField(f)?.section === 'closures').flat(),
        ),
      restoreFacts: async (mbi, pairs) => {
        const hash = factsOf(mbi);
        for (let i = 0; i < pairs.length; i += 2) hash.set(pairs[i]!, pairs[i + 1]!);
        // The summary no longer covers every fact: the next change reads the beneficiary whole.
        const s = states.get(mbi);
        if (s) s.k = '';
      },
    },
    counts: {
      deadLettered: async (topic, n) => {
        deadLettered.set(topic, (deadLettered.get(topic) ?? 0) + n);
      },
      deadLetteredByTopic: async () => Object.fromEntries([...deadLettered].map(([t, n]) => [t, String(n)])),
    },
    deleteAll: async () => {
      const n = facts.size + states.size;
      for (const m of [
        facts,
        states,
        aco,
        prices,
        contracts,
        reconciliations,
        outboxes,
        partitionClocks,
        latestByPartition,
        applied,
        deadLettered,
      ])
        m.clear();
      for (const s of [beneficiaries, withEpisodes, acoIndex]) s.clear();
      pricesVersion = '0';
      closedThrough = compactedThrough = earliestClaim = eventClock = lastScheduledRun = null;
      outboxSeq = 0;
      return n;
    },
  };
}
