import type { AcoDelta, BeneficiaryFacts } from '../domain/facts.ts';
import { shardOf, shardTags } from './shards.ts';

/**
 * The storage layout, and the only module that spells it: Redis keys, the fields of a
 * beneficiary's facts hash and the counter fields of an ACO total. The domain speaks of facts by
 * section and id, and of ACO deltas by name; this module turns them into fields and back.
 */

/** A section of a beneficiary's facts (claims, admissions, ...). */
export type FactSection = keyof BeneficiaryFacts;

/** Fact field prefixes: `<prefix>:<id>` in the beneficiary's facts hash. */
const PREFIX_OF: Record<FactSection, string> = {
  claims: 'c',
  admissions: 'a',
  discharges: 'd',
  attributions: 't',
  closures: 'x',
  summaries: 'y',
};
const SECTION_OF: Record<string, FactSection> = Object.fromEntries(
  Object.entries(PREFIX_OF).map(([section, prefix]) => [prefix, section as FactSection]),
);

/**
 * Beside its facts, a beneficiary's facts hash holds its version (an opaque token every commit
 * replaces, which the next commit checks) and its totals summary (summary-codec.ts): the claims
 * path reads and writes one key a beneficiary. Neither name has a fact field's `<prefix>:` form.
 * Its state hash holds only the derived snapshot (`d`), which the claims path does not touch.
 */
export const VERSION_FIELD = 'v';
export const SUMMARY_FIELD = 'k';
export const SNAPSHOT_FIELD = 'd';

/** The facts-hash field of a fact. */
export function factField(section: FactSection, id: string): string {
  return `${PREFIX_OF[section]}:${id}`;
}

/** A facts-hash field's section and id (null for a field of no known section). */
export function parseFactField(field: string): { section: FactSection; id: string } | null {
  const section = SECTION_OF[field.slice(0, 1)];
  return section === undefined || field.charCodeAt(1) !== 58 /* : */ ? null : { section, id: field.slice(2) };
}

/** Whether a facts-hash field holds a claim record (stored positionally, fact-codec.ts): one character compared. */
export function isClaimField(field: string): boolean {
  return field.charCodeAt(0) === 99 /* c */;
}

/**
 * ACO total deltas as the counter fields they are kept in, by `ACO|year`: `expenditureCents`,
 * `claimRecords`, `beneficiaries`, `type:<claimType>` and `month:<yyyy-mm>` (cents), so deltas of
 * many beneficiaries simply add up. A counter may be zero.
 */
export type CounterDeltas = Map<string, Map<string, number>>;

/** Counter field names with this prefix, each made once rather than per record. */
function counterNames(prefix: string): (value: string) => string {
  const names = new Map<string, string>();
  return (value) => {
    let name = names.get(value);
    if (name === undefined) names.set(value, (name = prefix + value));
    return name;
  };
}
const TYPE = 'type:';
const MONTH = 'month:';
const typeCounter = counterNames(TYPE);
const monthCounter = counterNames(MONTH);

/**
 * Adds the domain's ACO deltas of one beneficiary to `into`, the counters of a whole commit (one
 * slice, or a store's totals): summed straight in, with no map of counters per beneficiary, which
 * on the claims path (one beneficiary per record at scale) was two maps per record to build and drop.
 */
export function addCounterDeltas(into: CounterDeltas, deltas: ReadonlyMap<string, AcoDelta>): void {
  for (const [acoYear, d] of deltas) {
    let fields = into.get(acoYear);
    if (!fields) into.set(acoYear, (fields = new Map()));
    add(fields, 'expenditureCents', d.expenditureCents);
    add(fields, 'claimRecords', d.claimRecords);
    add(fields, 'beneficiaries', d.beneficiaries);
    for (const t in d.byClaimType) add(fields, typeCounter(t), d.byClaimType[t]!);
    for (const m in d.byServiceMonth) add(fields, monthCounter(m), d.byServiceMonth[m]!);
  }
}

/** A zero increment adds no counter: a total shows only the breakdowns something was counted in. */
function add(fields: Map<string, number>, field: string, n: number): void {
  if (n !== 0) fields.set(field, (fields.get(field) ?? 0) + n);
}

/** An ACO total's counters (its hash) as named figures, breakdowns sorted by name. */
export function acoTotalsOf(hash: Record<string, string>) {
  const byPrefix = (p: string) =>
    Object.fromEntries(
      Object.entries(hash)
        .filter(([f]) => f.startsWith(p))
        .map(([f, v]) => [f.slice(p.length), Number(v)] as const)
        // Sorted by name: Redis returns hash fields in insertion order, which differs between two passes.
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    );
  return {
    expenditureCents: Number(hash.expenditureCents ?? 0),
    claimRecords: Number(hash.claimRecords ?? 0),
    beneficiariesWithSpend: Number(hash.beneficiaries ?? 0),
    byClaimType: byPrefix(TYPE),
    byServiceMonth: byPrefix(MONTH),
  };
}

/**
 * Redis keys. The state the commit script touches is kept per shard (shards.ts): a beneficiary's
 * facts and state, the sets of beneficiaries, the ACO totals (partial: a total is the sum of its
 * shards' counters), the outboxes, the reconciliations, a copy of the prices and the closed year
 * (which the commit checks), and the applied offsets of the shard's partition. Every key of a shard
 * carries its hash tag, so one script or transaction touches one Redis Cluster slot. The rest are
 * single-key or share the `{clock}` tag.
 */
export function redisKeys(prefix: string, shards: number) {
  const tags = shardTags(shards);
  const shardKeys = tags.map((tag) => {
    const at = `${prefix}:{${tag}}`;
    return {
      facts: (mbi: string) => `${at}:b:${mbi}:facts`,
      state: (mbi: string) => `${at}:b:${mbi}:state`,
      beneficiaries: `${at}:beneficiaries`,
      episodeBeneficiaries: `${at}:episode-beneficiaries`,
      acoIndex: `${at}:aco-years`,
      /** This shard's part of an ACO-year total: counters that add up over the shards. */
      aco: (acoYear: string) => `${at}:aco:${acoYear}`,
      /** A copy of the prices (written to every shard in one transaction each, with its version). */
      prices: `${at}:ref:prices`,
      /** Bumped with every price change, in the same transaction: commits derived from older prices conflict. */
      pricesVersion: `${at}:ref:prices:v`,
      /** The latest performance year closed: by the final reconciliation after its run-out (expiry.ts). */
      closedThrough: `${at}:expiry:closed-through`,
      outbox: (owner: string) => `${at}:outbox:${owner}`,
      outboxSeq: `${at}:outbox-seq`,
      reconciliations: `${at}:reconciliations`,
      /**
       * The offset up to which a consumer group's records are applied, by `topic|partition`, for the
       * partitions of this shard's number: written after a batch's state, before its offset commit
       * (shared/service/applied-offsets.ts). Beside the shard's state, so a failover that loses some of
       * its writes loses the offsets that claimed them too.
       */
      appliedOffsets: (groupId: string) => `${at}:applied:${groupId}`,
    };
  });
  const clock = `${prefix}:{clock}`;
  return {
    shards,
    shard: (index: number) => shardKeys[index]!,
    /** The shard keys of a beneficiary. */
    of: (mbi: string) => shardKeys[shardOf(mbi, shards)]!,
    /** Marks the layout and its shard count: a service refuses state laid out otherwise (see checkLayout). */
    layout: `${prefix}:layout`,
    contracts: `${prefix}:ref:contracts`,
    deadLettered: `${prefix}:metrics:dead-lettered`,
    /** Event time reached: the median of the partitions' clocks (scheduled reconciliations run by it). */
    eventClock: `${clock}:claims`,
    /** Per claims-topic partition: the date a quorum of its distinct claim records has reached. */
    partitionClocks: `${clock}:claims:partitions`,
    /** A claims partition's latest records (the quorum the clock moves by), scored by thruDate. */
    partitionLatest: (partition: number) => `${clock}:claims:latest:${partition}`,
    /** The earliest claim thruDate stored: years before it hold no records to fold. */
    earliestClaim: `${clock}:claims:earliest`,
    /** The latest closed year whose claim records every beneficiary had folded into summaries. */
    compactedThrough: `${prefix}:expiry:compacted-through`,
    /** As-of date of the last scheduled MSSP reconciliation. */
    lastScheduledRun: `${prefix}:schedule:mssp`,
    /**
     * The acknowledgement code the HL7 gateway gave a message, by sending facility (MSH-4, all its
     * components) and control id (MSH-10): a retransmission gets the same code and publishes nothing.
     * One slot (`{hl7}`): a batch's codes are read with one MGET.
     */
    hl7Ack: (sendingFacility: string, controlId: string) =>
      `${prefix}:{hl7}:ack:${sendingFacility.length}:${sendingFacility}|${controlId}`,
    /** The web application: sessions, sign-in attempts (one slot: read with one MGET), the work done on alerts, the audit log. */
    webSession: (id: string) => `${prefix}:web:session:${id}`,
    webSignInAttempts: (who: string) => `${prefix}:{web}:sign-in:${who}`,
    /** Per alertId, the actions taken on it (a JSON list, appended by a script). */
    webAlertWork: `${prefix}:web:alert-work`,
    /** A stream of who opened which patient's data, allowed or not. */
    webAudit: `${prefix}:web:audit`,
    pattern: `${prefix}:*`,
  };
}
export type ShardKeys = ReturnType<RedisKeys['shard']>;
export type RedisKeys = ReturnType<typeof redisKeys>;
