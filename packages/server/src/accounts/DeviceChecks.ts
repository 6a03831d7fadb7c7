import type { Db } from '../store/Store.js';
import { leanRows } from '../store/leanRows.js';

/** Devices per lookup: a bounded id list, and a bounded wait for the connections behind it. */
const MAX_BATCH = 512;

interface Waiter {
  userId: string;
  resolve(exists: boolean): void;
  reject(err: unknown): void;
}

/**
 * Whether sessions still exist, asked for every connection that authenticates in one turn of the
 * event loop at once: one statement for up to 512 devices. When a node restarts all its clients
 * reconnect together, and a lookup each cost a statement (on PostgreSQL a round trip) and a query
 * built and compiled per connection, whose objects, alive across the round trip, became garbage
 * that stayed resident (docs/benchmarks.md, idle connections).
 */
export class DeviceChecks {
  /** deviceId → who asked about it. */
  private pending = new Map<string, Waiter[]>();
  private scheduled = false;

  constructor(private readonly db: Db) {}

  /** True if `deviceId` is a live session of `userId`. */
  exists(userId: string, deviceId: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const waiters = this.pending.get(deviceId);
      if (waiters) waiters.push({ userId, resolve, reject });
      else this.pending.set(deviceId, [{ userId, resolve, reject }]);
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.run());
    });
  }

  private run(): void {
    this.scheduled = false;
    const all = [...this.pending];
    this.pending = new Map();
    for (let i = 0; i < all.length; i += MAX_BATCH) void this.answer(all.slice(i, i + MAX_BATCH));
  }

  private async answer(batch: Array<[string, Waiter[]]>): Promise<void> {
    let owners: Map<string, string>;
    try {
      owners = await this.ownersOf(batch.map(([deviceId]) => deviceId));
    } catch (err) {
      for (const [, waiters] of batch) for (const w of waiters) w.reject(err);
      return;
    }
    for (const [deviceId, waiters] of batch) for (const w of waiters) w.resolve(owners.get(deviceId) === w.userId);
  }

  /**
   * Each device's user. The id list is padded to a power of two with its last id, so the
   * statement has one of ten texts and stays in SQLite's statement cache (PostgreSQL parses it each time).
   */
  private async ownersOf(deviceIds: string[]): Promise<Map<string, string>> {
    const size = 2 ** Math.ceil(Math.log2(deviceIds.length));
    const ids = deviceIds.concat(Array<string>(size - deviceIds.length).fill(deviceIds.at(-1)!));
    const rows = await leanRows(this.db, this.db.selectFrom('devices').select(['id', 'user_id']).where('id', 'in', ids));
    return new Map(rows.map((r) => [r.id, r.user_id]));
  }
}
