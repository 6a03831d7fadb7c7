import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';

/** How often a node adds what it admitted to the cluster's counters, and learns theirs. */
export const RATE_LIMIT_SYNC_MS = 100;

// Adds a node's count to a window's counter, starting the window if this is its first count,
// and answers the cluster's total and the window's time left.
const ADD = `
local current = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {current, ttl}`;

interface RedisWithAdd extends Redis {
  rateLimitAdd(key: string, count: number, windowMs: number): Promise<[number, number]>;
  pipeline(): ReturnType<Redis['pipeline']> & { rateLimitAdd(key: string, count: number, windowMs: number): unknown };
}

interface Window {
  /** Local clock time the window ends (the cluster's, as of the last sync). */
  resetAt: number;
  windowMs: number;
  /** The cluster's total as of the last sync, this node's synced counts included. */
  known: number;
  /** Admitted here since the last sync. */
  pending: number;
}

type ChildOptions = Parameters<FastifyRateLimitStore['child']>[0];

// The plugin hands a child its merged route options with the route under `routeInfo` (its
// typings say otherwise). The same key layout as the plugin's own RedisStore.
function routeKeyPrefix(prefix: string, options: ChildOptions): string {
  const { method, url } = (options as unknown as { routeInfo: { method: string | string[]; url: string } }).routeInfo;
  return `${prefix}${String(method)}${url}-`;
}

type Result = { current: number; ttl: number };
type Callback = (error: Error | null, result?: Result) => void;

/**
 * Rate-limit counters shared by every node through Redis, for @fastify/rate-limit.
 *
 * The REST budget (the plugin's global store) is counted on the node, and each node adds its
 * counts to Redis and reads back the cluster's totals in one pipeline every RATE_LIMIT_SYNC_MS.
 * Only a client's first request in a window on a node waits for Redis; with a round trip on
 * every request it was the largest part of a history page's time on PostgreSQL. The price is
 * a bounded overrun: a node's view of a client's total is at most one sync old while the client
 * uses it, so across n nodes a client can pass its budget by what n nodes admit in one interval.
 * With Redis unreachable each node goes on counting what it admits itself.
 *
 * A route's own budget (`config.rateLimit`: login and registration, a few a minute against
 * password guessing) is exact: every request is counted in Redis before it is answered.
 */
export function clusterRateLimitStore(redis: Redis, prefix: string, onError: (err: Error) => void): { Store: FastifyRateLimitStoreCtor; close(): void } {
  const client = redis as RedisWithAdd;
  if (!client.rateLimitAdd) client.defineCommand('rateLimitAdd', { numberOfKeys: 1, lua: ADD });
  const synced: SyncedCounters[] = [];
  // Said once per outage, not on every sync that fails during it.
  let reported = false;
  const report = (err: Error) => {
    if (!reported) onError(err);
    reported = true;
  };

  class SyncedCounters implements FastifyRateLimitStore {
    private readonly windows = new Map<string, Window>();
    /** Keys whose first request in a window is asking Redis; the next ones wait for it. */
    private readonly opening = new Map<string, Promise<void>>();
    private timer: NodeJS.Timeout | undefined;
    private syncing = false;

    constructor(_options?: FastifyRateLimitOptions, private readonly keyPrefix = prefix) {
      synced.push(this);
    }

    incr(key: string, callback: Callback, windowMs: number): void {
      const now = Date.now();
      const w = this.windows.get(key);
      if (w && now < w.resetAt) return this.countHere(w, now, callback);
      const retry = () => this.incr(key, callback, windowMs);
      const opening = this.opening.get(key);
      if (opening) return void opening.then(retry, retry);
      // A client's first request in a window on this node asks the cluster, so the node starts
      // from what the others admitted, and from the window they started.
      const open = client.rateLimitAdd(this.keyPrefix + key, 1, windowMs).then(
        ([current, ttl]) => {
          reported = false;
          this.windows.set(key, { resetAt: Date.now() + ttl, windowMs, known: current, pending: 0 });
          callback(null, { current, ttl });
        },
        (err: Error) => {
          report(err);
          const at = Date.now();
          const fresh = { resetAt: at + windowMs, windowMs, known: 0, pending: 0 };
          this.windows.set(key, fresh);
          this.countHere(fresh, at, callback);
        },
      ).finally(() => this.opening.delete(key));
      this.opening.set(key, open);
    }

    private countHere(w: Window, now: number, callback: Callback): void {
      w.pending++;
      this.schedule();
      callback(null, { current: w.known + w.pending, ttl: w.resetAt - now });
    }

    child(routeOptions: ChildOptions): FastifyRateLimitStore {
      return exactChild(this.keyPrefix, routeOptions);
    }

    async sync(): Promise<void> {
      this.timer = undefined;
      if (this.syncing) return this.schedule();
      this.syncing = true;
      const now = Date.now();
      const batch: Array<[string, Window, number]> = [];
      for (const [key, w] of this.windows) {
        // An ended window's counts no longer matter (ones Redis missed while unreachable included).
        if (now >= w.resetAt) this.windows.delete(key);
        else if (w.pending > 0) batch.push([key, w, w.pending]);
      }
      if (batch.length === 0) return void (this.syncing = false);
      const pipeline = client.pipeline();
      for (const [key, w, count] of batch) pipeline.rateLimitAdd(this.keyPrefix + key, count, w.windowMs);
      try {
        const replies = (await pipeline.exec()) ?? [];
        const at = Date.now();
        batch.forEach(([, w, count], i) => {
          const [err, reply] = replies[i] ?? [new Error('no reply')];
          if (err) return report(err);
          reported = false;
          const [current, ttl] = reply as [number, number];
          w.pending -= count;
          // The cluster's window may have started on another node: take its total and its end.
          w.known = current;
          w.resetAt = at + ttl;
        });
      } catch (err) {
        report(err as Error); // counts stay pending and go with the next sync
      } finally {
        this.syncing = false;
      }
      for (const w of this.windows.values()) {
        if (w.pending > 0) return this.schedule();
      }
    }

    private schedule(): void {
      this.timer ??= setTimeout(() => void this.sync(), RATE_LIMIT_SYNC_MS).unref();
    }

    stop(): void {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  class ExactCounters implements FastifyRateLimitStore {
    constructor(private readonly keyPrefix: string) {}

    incr(key: string, callback: Callback, windowMs: number): void {
      client.rateLimitAdd(this.keyPrefix + key, 1, windowMs).then(
        ([current, ttl]) => callback(null, { current, ttl }),
        (err: Error) => (report(err), callback(err)), // the plugin lets it through (skipOnError)
      );
    }

    child(routeOptions: ChildOptions): FastifyRateLimitStore {
      return exactChild(this.keyPrefix, routeOptions);
    }
  }

  const exactChild = (keyPrefix: string, routeOptions: ChildOptions) => new ExactCounters(routeKeyPrefix(keyPrefix, routeOptions));

  return {
    Store: SyncedCounters as unknown as FastifyRateLimitStoreCtor,
    close: () => synced.forEach((s) => s.stop()),
  };
}
