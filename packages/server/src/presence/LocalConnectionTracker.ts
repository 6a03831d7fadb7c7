import type { ConnectionChange, ConnectionTracker } from './ConnectionTracker.js';

/** Counts this process's connections per user; one grace timer per user who just lost their last one. */
export class LocalConnectionTracker implements ConnectionTracker {
  private readonly counts = new Map<string, number>();
  private readonly leaving = new Map<string, NodeJS.Timeout>();
  private listener: ConnectionChange = () => {};
  private closed = false;

  constructor(private readonly graceMs: number) {}

  connected(userId: string): void {
    if (this.closed) return;
    const count = this.counts.get(userId) ?? 0;
    this.counts.set(userId, count + 1);
    if (count > 0) return;
    const timer = this.leaving.get(userId);
    if (timer) {
      // Back within the grace period: to everyone else they never left.
      clearTimeout(timer);
      this.leaving.delete(userId);
      return;
    }
    this.listener(userId, true, Date.now());
  }

  disconnected(userId: string): void {
    if (this.closed) return;
    const count = this.counts.get(userId);
    if (count === undefined) return;
    if (count > 1) {
      this.counts.set(userId, count - 1);
      return;
    }
    this.counts.delete(userId);
    // Last seen is when the last connection closed, not when the grace period ran out.
    const at = Date.now();
    const timer = setTimeout(() => {
      this.leaving.delete(userId);
      this.listener(userId, false, at);
    }, this.graceMs);
    timer.unref();
    this.leaving.set(userId, timer);
  }

  async connectedAmong(userIds: string[]): Promise<Set<string>> {
    return new Set(userIds.filter((id) => this.counts.has(id) || this.leaving.has(id)));
  }

  onChange(listener: ConnectionChange): void {
    this.listener = listener;
  }

  async usersHere(): Promise<string[]> {
    return [...this.counts.keys(), ...this.leaving.keys()];
  }

  close(): void {
    this.closed = true;
    for (const timer of this.leaving.values()) clearTimeout(timer);
    this.leaving.clear();
    this.counts.clear();
  }
}
