import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ConnectionChange, ConnectionTracker } from './ConnectionTracker.js';
import { applyHolds, MAX_HOLDS, withHolds, type Hold } from './redisHolds.js';

/**
 * Connections counted across nodes. Each node keeps a liveness key that expires `nodeTtlMs`
 * after its last heartbeat, and registers itself in the set of nodes holding each of its
 * users. A user is connected while any live node holds them. When a node dies its key
 * expires, and the first node to notice takes that node's users offline.
 *
 * A join checks for the user on other live nodes before adding this node, in one script with
 * the add, so of two nodes racing only the first announces `online`; a leave removes this node
 * first, then checks. Transitions err towards repeating, never towards missing, and Presence
 * sends a viewer nothing when what they see did not change.
 *
 * Joins and leaves go to Redis in batches, one batch in flight at a time (see redisHolds): those
 * reported while a batch is out share the next one.
 */
export class RedisConnectionTracker implements ConnectionTracker {
  private readonly node = randomUUID();
  private readonly local = new Map<string, number>();
  private readonly leaving = new Map<string, NodeJS.Timeout>();
  private readonly timers: NodeJS.Timeout[] = [];
  private pending: Hold[] = [];
  /** Settles when the batch in flight (if any) has been applied and its transitions reported. */
  private flushing?: Promise<void>;
  private listener: ConnectionChange = () => {};
  private closed = false;

  private constructor(
    private readonly redis: ReturnType<typeof withHolds>,
    private readonly prefix: string,
    private readonly graceMs: number,
    private readonly nodeTtlMs: number,
    private readonly log: Logger,
  ) {}

  static async open(url: string, prefix: string, graceMs: number, nodeTtlMs: number, log: Logger): Promise<RedisConnectionTracker> {
    const redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 200, 2000) });
    redis.on('error', (err) => log.warn({ err: err.message }, 'presence redis connection error; retrying'));
    const tracker = new RedisConnectionTracker(withHolds(redis), `${prefix}:presence`, graceMs, nodeTtlMs, log);
    await tracker.beat();
    const every = (ms: number, job: () => Promise<void>) => {
      const timer = setInterval(() => job().catch((err: Error) => log.warn({ err: err.message }, 'presence upkeep failed')), ms);
      timer.unref();
      tracker.timers.push(timer);
    };
    every(Math.max(100, nodeTtlMs / 3), () => tracker.beat());
    every(Math.max(100, nodeTtlMs / 2), () => tracker.sweep());
    return tracker;
  }

  connected(userId: string): void {
    if (this.closed) return;
    const count = this.local.get(userId) ?? 0;
    this.local.set(userId, count + 1);
    if (count > 0) return;
    const timer = this.leaving.get(userId);
    if (timer) {
      clearTimeout(timer); // back within the grace period: nobody saw them leave
      this.leaving.delete(userId);
      return;
    }
    this.hold({ userId, join: true, at: Date.now() });
  }

  disconnected(userId: string): void {
    if (this.closed) return;
    const count = this.local.get(userId);
    if (count === undefined) return;
    if (count > 1) return void this.local.set(userId, count - 1);
    this.local.delete(userId);
    const at = Date.now();
    const timer = setTimeout(() => {
      this.leaving.delete(userId);
      this.hold({ userId, join: false, at });
    }, this.graceMs);
    timer.unref();
    this.leaving.set(userId, timer);
  }

  async connectedAmong(userIds: string[]): Promise<Set<string>> {
    const here = userIds.filter((id) => this.local.has(id) || this.leaving.has(id));
    const rest = userIds.filter((id) => !this.local.has(id) && !this.leaving.has(id));
    const elsewhere = await this.liveNodesOf(rest);
    return new Set([...here, ...elsewhere]);
  }

  onChange(listener: ConnectionChange): void {
    this.listener = listener;
  }

  /** Users held only by this node, for the last-seen stamp when it shuts down. */
  async usersHere(): Promise<string[]> {
    const mine = [...this.local.keys(), ...this.leaving.keys()];
    const elsewhere = await this.liveNodesOf(mine, true);
    return mine.filter((id) => !elsewhere.has(id));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of [...this.timers, ...this.leaving.values()]) clearInterval(timer);
    // What is still queued is undone below anyway; the batch already out is waited for, or it
    // could add this node back to its users after the clean-up.
    this.pending = [];
    await this.flushing;
    const mine = [...this.local.keys(), ...this.leaving.keys()];
    const batch = this.redis.multi();
    for (const userId of mine) batch.srem(this.userKey(userId), this.node);
    await batch.del(this.nodeUsersKey(this.node), this.aliveKey(this.node)).srem(`${this.prefix}:nodes`, this.node).exec();
    this.redis.disconnect();
  }

  private async beat(): Promise<void> {
    await this.redis.multi().set(this.aliveKey(this.node), '1', 'PX', this.nodeTtlMs).sadd(`${this.prefix}:nodes`, this.node).exec();
  }

  /** A node whose liveness key expired died: one surviving node takes its users offline. */
  private async sweep(): Promise<void> {
    const nodes = await this.redis.smembers(`${this.prefix}:nodes`);
    for (const dead of nodes) {
      if (dead === this.node || (await this.redis.exists(this.aliveKey(dead)))) continue;
      if ((await this.redis.set(`${this.prefix}:sweep:${dead}`, this.node, 'PX', this.nodeTtlMs, 'NX')) !== 'OK') continue;
      const users = await this.redis.smembers(this.nodeUsersKey(dead));
      const batch = this.redis.multi();
      for (const userId of users) batch.srem(this.userKey(userId), dead);
      await batch.del(this.nodeUsersKey(dead)).srem(`${this.prefix}:nodes`, dead).exec();
      const still = await this.connectedAmong(users);
      const at = Date.now();
      for (const userId of users) if (!still.has(userId)) this.listener(userId, false, at);
      this.log.info({ node: dead, users: users.length }, 'presence: a node stopped heartbeating; its users went offline');
    }
  }

  /** The users among `userIds` held by a live node (other than this one when `othersOnly`). */
  private async liveNodesOf(userIds: string[], othersOnly = false): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const read = this.redis.pipeline();
    for (const userId of userIds) read.smembers(this.userKey(userId));
    const sets = ((await read.exec()) ?? []).map(([, nodes]) => (nodes as string[]) ?? []);
    const nodes = [...new Set(sets.flat())].filter((n) => !othersOnly || n !== this.node);
    const alive = new Set<string>();
    if (nodes.length > 0) {
      const flags = await this.redis.mget(nodes.map((n) => this.aliveKey(n)));
      nodes.forEach((n, i) => flags[i] && alive.add(n));
    }
    return new Set(userIds.filter((_, i) => sets[i]!.some((n) => alive.has(n))));
  }

  private hold(hold: Hold): void {
    this.pending.push(hold);
    if (!this.flushing) this.flushing = this.flush();
  }

  /** Sends what has queued up by the next turn, then whatever queued meanwhile, until none is left. */
  private async flush(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_HOLDS);
      try {
        const elsewhere = await applyHolds(this.redis, this.prefix, this.node, batch);
        batch.forEach((h, i) => elsewhere[i] || this.listener(h.userId, h.join, h.at));
      } catch (err) {
        this.log.warn({ err: (err as Error).message, users: batch.length }, 'presence: redis update failed');
      }
    }
    this.flushing = undefined;
  }

  private aliveKey = (node: string) => `${this.prefix}:node:${node}`;
  private userKey = (userId: string) => `${this.prefix}:user:${userId}`;
  private nodeUsersKey = (node: string) => `${this.prefix}:nodeusers:${node}`;
}
