/**
 * Redis key layout. Per-beneficiary keys carry the mbi in a hash tag ({mbi}) so they share a slot.
 * ACO totals, reference data and the outbox are shared: the supported deployment is one Redis
 * primary (with replica and AOF), where one script may touch them all (see docs/design.md).
 */
export function redisKeys(prefix: string) {
  return {
    facts: (mbi: string) => `${prefix}:b:{${mbi}}:facts`,
    state: (mbi: string) => `${prefix}:b:{${mbi}}:state`,
    beneficiaries: `${prefix}:beneficiaries`,
    episodeBeneficiaries: `${prefix}:episode-beneficiaries`,
    acoIndex: `${prefix}:aco-years`,
    aco: (acoYear: string) => `${prefix}:aco:${acoYear}`,
    prices: `${prefix}:ref:prices`,
    /** Bumped with every price change, in the same transaction: commits derived from older prices conflict. */
    pricesVersion: `${prefix}:ref:prices:v`,
    contracts: `${prefix}:ref:contracts`,
    outbox: (owner: string) => `${prefix}:outbox:${owner}`,
    outboxSeq: `${prefix}:outbox-seq`,
    reconciliations: `${prefix}:reconciliations`,
    deadLettered: `${prefix}:metrics:dead-lettered`,
    /** Event time reached: the median of the partitions' clocks (scheduled reconciliations run by it). */
    eventClock: `${prefix}:clock:claims`,
    /** Per claims-topic partition: the date a quorum of its distinct claim records has reached. */
    partitionClocks: `${prefix}:clock:claims:partitions`,
    /** A claims partition's latest records (the quorum the clock moves by), scored by thruDate. */
    partitionLatest: (partition: number) => `${prefix}:clock:claims:latest:${partition}`,
    /** The earliest claim thruDate stored: years before it hold no records to fold. */
    earliestClaim: `${prefix}:clock:claims:earliest`,
    /** The latest performance year closed: by the final reconciliation after its run-out (expiry.ts). */
    closedThrough: `${prefix}:expiry:closed-through`,
    /** The latest closed year whose claim records every beneficiary had folded into summaries. */
    compactedThrough: `${prefix}:expiry:compacted-through`,
    /**
     * The offset up to which a consumer group's records are applied in this Redis, by
     * `topic|partition`: written after a batch's state, before its offset commit (shared/service/applied-offsets.ts).
     */
    appliedOffsets: (groupId: string) => `${prefix}:applied:${groupId}`,
    /** As-of date of the last scheduled MSSP reconciliation. */
    lastScheduledRun: `${prefix}:schedule:mssp`,
    pattern: `${prefix}:*`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;
