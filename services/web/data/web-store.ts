import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../../../shared/redis/client.ts';
import type { RedisKeys } from '../../../shared/engine/layout.ts';
import type { AlertActionEvent } from '../domain/alert-actions.ts';

export interface Session {
  id: string;
  username: string;
  csrf: string;
  createdAt: string;
}

export interface AuditEntry {
  at: string;
  user: string;
  role: string;
  mbi: string;
  page: string;
  outcome: 'allowed' | 'denied';
}

/** Appends one action to an alert's list, atomically (two care managers at once both count). */
const APPEND_ACTION = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local list = cur and cjson.decode(cur) or {}
table.insert(list, cjson.decode(ARGV[2]))
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(list))
return #list`;

const AUDIT_KEEP = 1_000_000;

/** What the web application keeps in Redis: sessions, sign-in attempts, work on alerts, the audit log. */
export class WebStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Pick<RedisKeys, 'webSession' | 'webSignInAttempts' | 'webAlertWork' | 'webAudit'>,
  ) {}

  async createSession(username: string, hours: number): Promise<Session> {
    const session = {
      id: randomBytes(32).toString('base64url'),
      username,
      csrf: randomBytes(32).toString('base64url'),
      createdAt: new Date().toISOString(),
    };
    await this.redis.set(this.keys.webSession(session.id), JSON.stringify(session), 'EX', hours * 3600);
    return session;
  }

  async session(id: string): Promise<Session | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
    const json = await this.redis.get(this.keys.webSession(id));
    return json ? (JSON.parse(json) as Session) : null;
  }

  async endSession(id: string): Promise<void> {
    await this.redis.del(this.keys.webSession(id));
  }

  /** Counts a failed sign-in for each key (user name, address) in a 15-minute window. */
  async failedSignIn(who: string[]): Promise<void> {
    const p = this.redis.pipeline();
    for (const w of who) p.incr(this.keys.webSignInAttempts(w)).expire(this.keys.webSignInAttempts(w), 900, 'NX');
    await p.exec();
  }

  /** Failed sign-ins in the current window, per key. */
  async signInAttempts(who: string[]): Promise<number[]> {
    const counts = await this.redis.mget(who.map((w) => this.keys.webSignInAttempts(w)));
    return counts.map((c) => Number(c ?? 0));
  }

  async clearSignInAttempts(username: string): Promise<void> {
    await this.redis.del(this.keys.webSignInAttempts(username));
  }

  async appendAction(event: AlertActionEvent): Promise<void> {
    await this.redis.eval(APPEND_ACTION, 1, this.keys.webAlertWork, event.alertId, JSON.stringify(event));
  }

  /** Every alert's actions, by alertId (only alerts someone acted on are held). */
  async allActions(): Promise<Map<string, AlertActionEvent[]>> {
    const all = await this.redis.hgetall(this.keys.webAlertWork);
    return new Map(Object.entries(all).map(([id, json]) => [id, JSON.parse(json) as AlertActionEvent[]]));
  }

  async actions(alertId: string): Promise<AlertActionEvent[]> {
    const json = await this.redis.hget(this.keys.webAlertWork, alertId);
    return json ? (JSON.parse(json) as AlertActionEvent[]) : [];
  }

  async audit(entry: AuditEntry): Promise<void> {
    const fields = Object.entries(entry).flat();
    await this.redis.xadd(this.keys.webAudit, 'MAXLEN', '~', AUDIT_KEEP, '*', ...fields);
  }

  async recentAudit(count: number): Promise<(AuditEntry & { id: string })[]> {
    const entries = await this.redis.xrevrange(this.keys.webAudit, '+', '-', 'COUNT', count);
    return entries.map(([id, fields]) => {
      const o: Record<string, string> = { id };
      for (let i = 0; i < fields.length; i += 2) o[fields[i]!] = fields[i + 1]!;
      return o as unknown as AuditEntry & { id: string };
    });
  }
}
