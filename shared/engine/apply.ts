import { derive, type Derived } from '../domain/derive.ts';
import { diff, type Changes } from '../domain/diff.ts';
import type { BeneficiaryFacts, Reference } from '../domain/facts.ts';
import type { BeneficiaryStore, Commit, Loaded } from './beneficiary-store.ts';
import { alertEvent, type OutboxEvent } from './events.ts';

/** A fact to store for a beneficiary. `overwrite`: a later record for the same id replaces it (ADT corrections). */
export interface FactUpdate {
  field: string;
  json: string;
  overwrite: boolean;
}

/** Extra work on a beneficiary's freshly derived state (reconciliation closes episodes this way). */
export type Extension = (mbi: string, facts: BeneficiaryFacts, derived: Derived, reference: Reference) => {
  factPairs: string[]; events: OutboxEvent[]; reconPairs: string[]; derived: Derived;
} | null;

export interface ApplyOptions {
  overrunThresholds: number[];
  outboxOwner: string;
  /** Re-derive these beneficiaries even without new facts (reference data changed). */
  refresh?: Iterable<string>;
  extension?: Extension;
  maxAttempts?: number;
}

const SECTION: Record<string, keyof BeneficiaryFacts> = { c: 'claims', a: 'admissions', d: 'discharges', t: 'attributions', x: 'closures' };

/**
 * Stores facts and applies their consequences for many beneficiaries: one pipelined read, pure
 * derive and diff per beneficiary, one pipelined atomic commit. A fact already held is a no-op, so
 * redelivery and replay change nothing; beneficiaries another writer changed meanwhile are re-read
 * and recomputed.
 */
export async function applyUpdates(store: BeneficiaryStore, updates: Map<string, FactUpdate[]>, options: ApplyOptions): Promise<{ committed: number }> {
  const refresh = new Set(options.refresh ?? []);
  let pending = [...new Set([...updates.keys(), ...refresh])];
  let committed = 0;
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > (options.maxAttempts ?? 50)) throw new Error(`state conflict persisted for ${pending.length} beneficiaries`);
    const { reference, pricesVersion, byMbi } = await store.load(pending, options.overrunThresholds);
    const commits: Commit[] = [];
    for (const mbi of pending) {
      const commit = plan(mbi, byMbi.get(mbi)!, updates.get(mbi) ?? [], refresh.has(mbi), reference, options, store.keys.aco);
      if (commit) commits.push(commit);
    }
    pending = await store.commit(commits, options.outboxOwner, pricesVersion);
    committed += commits.length - pending.length;
  }
  return { committed };
}

function plan(
  mbi: string, loaded: Loaded, updates: FactUpdate[], force: boolean, reference: Reference, options: ApplyOptions, acoKey: (acoYear: string) => string,
): Commit | null {
  const factPairs: string[] = [];
  for (const u of updates) {
    const held = loaded.raw.get(u.field);
    if (held === u.json || (held !== undefined && !u.overwrite)) continue;
    loaded.raw.set(u.field, u.json);
    (loaded.facts[SECTION[u.field.slice(0, 1)]!] as Record<string, unknown>)[u.field.slice(2)] = JSON.parse(u.json);
    factPairs.push(u.field, u.json);
  }
  if (factPairs.length === 0 && !force) return null;

  let derived = derive(mbi, loaded.facts, reference);
  const events: OutboxEvent[] = [];
  const reconPairs: string[] = [];
  const extra = options.extension?.(mbi, loaded.facts, derived, reference);
  if (extra) {
    factPairs.push(...extra.factPairs);
    events.push(...extra.events);
    reconPairs.push(...extra.reconPairs);
    derived = extra.derived;
  }
  const changes = diff(loaded.derived, derived);
  events.push(...changes.raised.map((a) => alertEvent(mbi, a, 'RAISED')), ...changes.withdrawn.map((a) => alertEvent(mbi, a, 'WITHDRAWN')));
  if (factPairs.length === 0 && events.length === 0 && JSON.stringify(loaded.derived) === JSON.stringify(derived)) return null;
  return {
    mbi,
    expectedVersion: loaded.version,
    derived,
    factPairs,
    acoDeltas: acoDeltaArgs(changes, acoKey),
    events: events.map((e) => JSON.stringify(e)),
    reconPairs,
  };
}

function acoDeltaArgs(changes: Changes, keyOf: (acoYear: string) => string): Commit['acoDeltas'] {
  return Object.entries(changes.acoDeltas).map(([acoYear, d]) => {
    const fields: (string | number)[] = [];
    const add = (f: string, n: number) => { if (n !== 0) fields.push(f, n); };
    add('expenditureCents', d.expenditureCents);
    add('claimRecords', d.claimRecords);
    add('beneficiaries', d.beneficiaries);
    for (const [t, n] of Object.entries(d.byClaimType)) add(`type:${t}`, n);
    for (const [m, n] of Object.entries(d.byServiceMonth)) add(`month:${m}`, n);
    return [acoYear, keyOf(acoYear), fields];
  });
}
