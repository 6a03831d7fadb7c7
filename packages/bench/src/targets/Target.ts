import { cpuSeconds, rssKiB, runQueueWaitSeconds, type Proc } from '../proc.js';

/** What the load generator's clients speak. `echo` is the bare `ws` baseline for memory per connection. */
export type ClientKind = 'parley' | 'socketio' | 'xmpp' | 'echo';

/** One user as a client presents itself: Parley's access token, a JID's password, a Socket.IO user id. */
export interface Identity {
  user: string;
  secret: string;
}

export interface Pair {
  sender: Identity;
  recipient: Identity;
  address: string;
}

/**
 * A server under test: Parley on one of its backends, or a peer. Each scenario starts a fresh
 * one, so no figure depends on what an earlier scenario left behind.
 */
export interface Target {
  /** Stable key in the JSON, e.g. `parley-embedded`, `prosody`. */
  key: string;
  label: string;
  kind: ClientKind;
  /** Where clients connect; several for a cluster (clients are spread round-robin). */
  urls: string[];
  procs: Proc[];
  /** Prometheus figures (Parley's /metrics) by metric name: summed over the target's nodes, or their largest. */
  scrape?(names: string[], combine?: 'sum' | 'max'): Promise<Record<string, number>>;
  /** Processes the target needs besides its own (PostgreSQL, Redis); their CPU is reported apart. */
  supportPids?(): number[];
  /** `count` users who can connect. */
  createUsers(count: number): Promise<Identity[]>;
  /** `count` pairs with a 1:1 conversation; `address` is what the sender sends to (a chat id, a JID, a user id). */
  createPairs(count: number): Promise<Pair[]>;
  stop(): Promise<void>;
}

export const totalRssKiB = (target: Target): number => target.procs.reduce((sum, p) => sum + rssKiB(p.pid), 0);
export const totalCpuSeconds = (target: Target): number => target.procs.reduce((sum, p) => sum + cpuSeconds(p.pid), 0);
export const totalRunQueueWait = (target: Target): number => target.procs.reduce((sum, p) => sum + runQueueWaitSeconds(p.pid), 0);
