import type { Logger } from 'pino';
import type { Presence as PresenceView, PresenceStatus, Privacy, PrivacyBody } from '@parley/protocol';
import type { Bus } from '../bus/Bus.js';
import type { Store } from '../store/Store.js';
import { notFound } from '../errors.js';
import type { ConnectionTracker } from './ConnectionTracker.js';
import { loadRelations } from './presenceAudience.js';
import { loadStoredPresence, saveStoredPresence, stampLastSeen } from './presenceRows.js';
import { presentPresence, type PresenceState } from './presentPresence.js';
import { publishPresenceChanges, type PresenceChange } from './publishPresenceChanges.js';
import { UserTurns, type Turn } from './UserTurns.js';

export interface PresenceDeps {
  store: Store;
  bus: Bus;
  log: Logger;
}

/** A user's first connection opened (`online`), or the grace period after their last one ended. */
interface Transition {
  userId: string;
  online: boolean;
  at: number;
}

interface Batch {
  turn: Turn;
  transitions: Transition[];
}

/**
 * Users per batch of connection changes. It bounds the queries' id lists and the shared-chat rows
 * read at once (one per user and chat peer).
 */
const MAX_BATCH = 100;

/**
 * Online, away or offline for every user, and who may see which. The gateway reports
 * connections, the tracker turns them into transitions. One user's changes run one after
 * another, each stored before it is published, so their frames go out in the order they happened.
 *
 * Transitions are handled in batches, one at a time, those reported meanwhile forming the next:
 * a few queries and one publish for many users. Per connection, queries and a publish of its own
 * kept their objects alive across round trips long enough to reach V8's old space, so while many
 * connected, each left a few KiB of garbage resident until the next full collection.
 */
export class Presence {
  private readonly turns = new UserTurns();
  private collecting?: Batch;
  private batches: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: PresenceDeps,
    private readonly tracker: ConnectionTracker,
  ) {
    tracker.onChange((userId, online, at) => this.transitioned({ userId, online, at }));
  }

  /** Gateway hook: an authenticated connection of `userId` opened on this node. */
  connected(userId: string): void {
    this.tracker.connected(userId);
  }

  /** Gateway hook: one of `userId`'s connections on this node closed. */
  disconnected(userId: string): void {
    this.tracker.disconnected(userId);
  }

  /** `away`, invisible (`offline`) or back to `online`. Stored, so the choice survives a restart. */
  setStatus(userId: string, status: PresenceStatus): Promise<PresenceStatus> {
    return this.turns.run(userId, async () => {
      const connected = await this.isConnected(userId);
      await this.change(userId, connected, (before) => ({
        ...before,
        chosen: status,
        // Going invisible looks like leaving to everyone else, so that is when they were last seen.
        lastSeen: status === 'offline' && before.chosen !== 'offline' && connected ? Date.now() : before.lastSeen,
      }));
      return status;
    });
  }

  async getPrivacy(userId: string): Promise<Privacy> {
    const stored = (await loadStoredPresence(this.deps.store.db, [userId])).get(userId);
    if (!stored) throw notFound('user');
    return stored.privacy;
  }

  /** Viewers who may no longer (or may now) see something are told at once. */
  setPrivacy(userId: string, body: PrivacyBody): Promise<Privacy> {
    return this.turns.run(userId, async () => {
      const connected = await this.isConnected(userId);
      const after = await this.change(userId, connected, (before) => ({ ...before, privacy: { ...before.privacy, ...body } }));
      return after.privacy;
    });
  }

  /** What `viewerId` may see of each known user among `userIds` (unknown ids are left out), in four queries. */
  async presenceFor(viewerId: string, userIds: string[]): Promise<PresenceView[]> {
    const db = this.deps.store.db;
    const stored = await loadStoredPresence(db, userIds);
    const relations = await loadRelations(db, viewerId, [...stored.keys()]);
    const connected = await this.tracker.connectedAmong([...stored.keys()]);
    return userIds.flatMap((id) => {
      const state = stored.get(id);
      return state ? [presentPresence(id, { ...state, connected: connected.has(id) }, relations.get(id) ?? 'stranger')] : [];
    });
  }

  async presenceOf(viewerId: string, userId: string): Promise<PresenceView> {
    const [presence] = await this.presenceFor(viewerId, [userId]);
    if (!presence) throw notFound('user');
    return presence;
  }

  /** Waits for changes in flight, then stamps everyone still online here as last seen now. */
  async close(): Promise<void> {
    const here = await this.tracker.usersHere();
    await this.tracker.close();
    await this.turns.idle();
    await stampLastSeen(this.deps.store.db, here, Date.now());
  }

  /** Joins the batch being collected, or starts the next one (a user is in a batch at most once). */
  private transitioned(transition: Transition): void {
    let batch = this.collecting;
    if (!batch || batch.turn.has(transition.userId) || batch.transitions.length >= MAX_BATCH) {
      const next: Batch = { turn: this.turns.open(), transitions: [] };
      this.collecting = batch = next;
      this.batches = this.batches
        .then(() => new Promise((resolve) => setImmediate(resolve)))
        .then(() => this.runBatch(next));
    }
    batch.turn.add(transition.userId);
    batch.transitions.push(transition);
  }

  private async runBatch(batch: Batch): Promise<void> {
    if (this.collecting === batch) this.collecting = undefined;
    try {
      await batch.turn.ready();
      await this.connectionsChanged(batch.transitions);
    } catch (err) {
      this.deps.log.error({ err, userIds: batch.transitions.map((t) => t.userId) }, 'presence change failed');
    } finally {
      batch.turn.end();
    }
  }

  private async connectionsChanged(transitions: Transition[]): Promise<void> {
    const { store, bus } = this.deps;
    const stored = await loadStoredPresence(store.db, transitions.map((t) => t.userId));
    const changes: PresenceChange[] = [];
    for (const { userId, online, at } of transitions) {
      const state = stored.get(userId);
      if (!state) continue; // deleted meanwhile: nobody to tell
      const before: PresenceState = { ...state, connected: !online };
      // An invisible user's comings and goings stay hidden: their last seen does not move.
      const after: PresenceState = { ...before, connected: online, lastSeen: online || before.chosen === 'offline' ? before.lastSeen : at };
      changes.push({ userId, before, after });
    }
    const toSave = changes.filter((c) => storedDiffers(c.before, c.after));
    // Last seens of a batch of departures in one commit: a durable commit each would queue them.
    if (toSave.length > 0) {
      await store.transaction(async (trx) => {
        for (const { userId, after } of toSave) await saveStoredPresence(trx, userId, after);
      });
    }
    await publishPresenceChanges(store.db, bus, changes);
  }

  /** Loads the user's presence, stores what `update` makes of it, then tells whoever sees a difference. */
  private async change(userId: string, connected: boolean, update: (before: PresenceState) => PresenceState): Promise<PresenceState> {
    const db = this.deps.store.db;
    const stored = (await loadStoredPresence(db, [userId])).get(userId);
    if (!stored) throw notFound('user');
    const before: PresenceState = { ...stored, connected };
    const after = update(before);
    if (storedDiffers(before, after)) await saveStoredPresence(db, userId, after);
    await publishPresenceChanges(db, this.deps.bus, [{ userId, before, after }]);
    return after;
  }

  /** The users among `userIds` connected on any node (or within their grace period): one ask for all. */
  connectedAmong(userIds: string[]): Promise<Set<string>> {
    return this.tracker.connectedAmong(userIds);
  }

  private async isConnected(userId: string): Promise<boolean> {
    return (await this.tracker.connectedAmong([userId])).has(userId);
  }
}

const storedDiffers = (a: PresenceState, b: PresenceState): boolean =>
  a.chosen !== b.chosen || a.lastSeen !== b.lastSeen || a.privacy.online !== b.privacy.online || a.privacy.lastSeen !== b.privacy.lastSeen;
