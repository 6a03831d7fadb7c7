import type { Bus } from '../bus/Bus.js';

/**
 * How long a device found valid is taken on trust by REST calls. It bounds how long a node that
 * missed a `revoke` event (Redis pub/sub is fire-and-forget) goes on accepting the revoked
 * session's access token.
 */
export const RECENT_DEVICE_TTL_MS = 2000;

/**
 * Devices found valid in the last `RECENT_DEVICE_TTL_MS`, so a client paging through history
 * costs one device lookup every two seconds rather than one a request. Every revocation is
 * published on the bus after its commit, and the bus hands it to this node's subscribers
 * before `publish` returns: the revoking request's own node forgets the device before it
 * answers, the other nodes when Redis delivers the event.
 */
export class RecentDevices {
  /** deviceId → its user and when it was found valid; in the order found, so oldest first. */
  private readonly seen = new Map<string, { userId: string; at: number }>();
  private revocations = 0;

  constructor(bus: Bus, private readonly ttlMs = RECENT_DEVICE_TTL_MS, private readonly now: () => number = Date.now) {
    bus.subscribe((events) => {
      for (const event of events) {
        if (event.kind !== 'revoke') continue;
        this.seen.delete(event.deviceId);
        this.revocations++;
      }
    });
  }

  has(userId: string, deviceId: string): boolean {
    const entry = this.seen.get(deviceId);
    return entry !== undefined && entry.userId === userId && this.now() - entry.at < this.ttlMs;
  }

  /** Taken before a lookup and handed to `remember` after it. */
  ticket(): number {
    return this.revocations;
  }

  /**
   * A lookup that was in flight when any revocation arrived may have read the row before that
   * revocation committed, so its answer is used once and not remembered.
   */
  remember(userId: string, deviceId: string, ticket: number): void {
    if (ticket !== this.revocations) return;
    const at = this.now();
    this.seen.delete(deviceId);
    this.seen.set(deviceId, { userId, at });
    // Entries are found in time order, so the expired ones are at the front.
    for (const [id, entry] of this.seen) {
      if (at - entry.at < this.ttlMs) break;
      this.seen.delete(id);
    }
  }
}
