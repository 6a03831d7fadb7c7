import type { Logger } from 'pino';
import type { Presence as PresenceView, PresenceStatus, Privacy, PrivacyBody } from '@parley/protocol';
import type { Bus } from '../bus/Bus.js';
import type { Store } from '../store/Store.js';
import { notFound } from '../errors.js';
import type { ConnectionTracker } from './ConnectionTracker.js';
import { loadRelations } from './presenceAudience.js';
import { loadStoredPresence, saveStoredPresence, stampLastSeen } from './presenceRows.js';
import { presentPresence, type PresenceState } from './presentPresence.js';
import { publishPresenceChange } from './publishPresenceChange.js';

export interface PresenceDeps {
  store: Store;
  bus: Bus;
  log: Logger;
}

/**
 * Online, away or offline for every user, and who may see which. The gateway reports
 * connections, the tracker turns them into transitions. One user's changes run one after
 * another, each stored before it is published, so their frames go out in the order they happened.
 */
export class Presence {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: PresenceDeps,
    private readonly tracker: ConnectionTracker,
  ) {
    tracker.onChange((userId, online, at) => {
      this.inTurn(userId, () => this.connectionChanged(userId, online, at)).catch((err) =>
        deps.log.error({ err, userId }, 'presence change failed'),
      );
    });
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
    return this.inTurn(userId, async () => {
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
    return this.inTurn(userId, async () => {
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
    await Promise.all(this.queues.values());
    await stampLastSeen(this.deps.store.db, here, Date.now());
  }

  private connectionChanged(userId: string, online: boolean, at: number): Promise<PresenceState> {
    return this.change(userId, !online, (before) => ({
      ...before,
      connected: online,
      // An invisible user's comings and goings stay hidden: their last seen does not move.
      lastSeen: online || before.chosen === 'offline' ? before.lastSeen : at,
    }));
  }

  /** Loads the user's presence, stores what `update` makes of it, then tells whoever sees a difference. */
  private async change(userId: string, connected: boolean, update: (before: PresenceState) => PresenceState): Promise<PresenceState> {
    const db = this.deps.store.db;
    const stored = (await loadStoredPresence(db, [userId])).get(userId);
    if (!stored) throw notFound('user');
    const before: PresenceState = { ...stored, connected };
    const after = update(before);
    if (storedDiffers(before, after)) await saveStoredPresence(db, userId, after);
    await publishPresenceChange(db, this.deps.bus, userId, before, after);
    return after;
  }

  private async isConnected(userId: string): Promise<boolean> {
    return (await this.tracker.connectedAmong([userId])).has(userId);
  }

  /** Runs `job` once every earlier change of the same user has finished; the queue entry goes with the last one. */
  private inTurn<T>(userId: string, job: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(userId) ?? Promise.resolve()).then(job);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(userId, tail);
    void tail.then(() => {
      if (this.queues.get(userId) === tail) this.queues.delete(userId);
    });
    return run;
  }
}

const storedDiffers = (a: PresenceState, b: PresenceState): boolean =>
  a.chosen !== b.chosen || a.lastSeen !== b.lastSeen || a.privacy.online !== b.privacy.online || a.privacy.lastSeen !== b.privacy.lastSeen;
