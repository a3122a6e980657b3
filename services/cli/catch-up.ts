import type { Admin } from 'kafkajs';
import { groupIdFor } from '../../shared/service/consumer-service.ts';
import type { Context } from '../../shared/service/context.ts';
import { SERVICES } from '../registry.ts';

export interface Lag {
  service: string;
  members: number;
  /**
   * The group's state: Empty or Dead means nobody consumes; a rebalance is PreparingRebalance or CompletingRebalance.
   */
  state: string;
  lag: number;
}

/** Records on these topics not yet committed by the group (from the log start when it has no offset). */
export async function groupLag(admin: Admin, groupId: string, topics: string[]): Promise<number> {
  let lag = 0;
  const committed = await admin.fetchOffsets({ groupId, topics });
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic);
    const mine = committed.find((c) => c.topic === topic)?.partitions ?? [];
    for (const p of ends) {
      const at = Number(mine.find((m) => m.partition === p.partition)?.offset ?? '-1');
      lag += Math.max(0, Number(p.high) - Math.max(at, Number(p.low)));
    }
  }
  return lag;
}

/** Per service: members in its group and records published but not yet committed. */
export async function serviceLag(ctx: Context, admin: Admin = ctx.admin): Promise<Lag[]> {
  const groups = Object.values(SERVICES).map((s) => groupIdFor(ctx.config.groupPrefix, s.name));
  const described = await admin.describeGroups(groups);
  const out: Lag[] = [];
  for (const spec of Object.values(SERVICES)) {
    const groupId = groupIdFor(ctx.config.groupPrefix, spec.name);
    const group = described.groups.find((g) => g.groupId === groupId);
    const lag = await groupLag(
      admin,
      groupId,
      spec.topics.map((t) => ctx.topics.input(t)),
    );
    out.push({ service: spec.name, members: group?.members.length ?? 0, state: group?.state ?? 'Dead', lag });
  }
  return out;
}

/** Outbox entries not yet published, over every owner. */
export async function pendingOutbox(ctx: Context): Promise<number> {
  const owners = [...Object.keys(SERVICES), 'cli'];
  return ctx.stores.outbox.pending(owners);
}

/**
 * Waits until every service has committed everything published and every outbox is empty. A broker
 * or Redis that is briefly away (a restart) only delays the answer; the deadline still holds.
 */
class CatchUpFailure extends Error {}

export async function waitForCatchUp(ctx: Context, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  const idleSince = new Map<string, number>();
  for (;;) {
    try {
      const lags = await serviceLag(ctx);
      lastError = null;
      // Nobody consumes (not a rebalance, which also shows no members while a crashed member expires).
      for (const l of lags) {
        if ((l.state === 'Empty' || l.state === 'Dead') && l.lag > 0)
          idleSince.set(l.service, idleSince.get(l.service) ?? Date.now());
        else idleSince.delete(l.service);
      }
      const idle = lags.filter((l) => Date.now() - (idleSince.get(l.service) ?? Infinity) > 15000);
      if (idle.length > 0) {
        throw new CatchUpFailure(
          `no running ${idle.map((l) => l.service).join(', ')} service consumes the published records; start them with 'vbc run all'`,
        );
      }
      if (lags.every((l) => l.lag === 0) && (await pendingOutbox(ctx)) === 0) return;
      if (Date.now() > deadline) {
        throw new CatchUpFailure(
          `services did not catch up within ${Math.round(timeoutMs / 1000)}s (lag: ${lags.map((l) => `${l.service}=${l.lag}`).join(', ')})`,
        );
      }
    } catch (error) {
      if (error instanceof CatchUpFailure) throw error;
      lastError = error;
      if (Date.now() > deadline)
        throw new Error(
          `services did not catch up within ${Math.round(timeoutMs / 1000)}s (${(lastError as Error).message})`,
        );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
