import type { ClientStore } from './ClientStore.js';

/**
 * Every write to the store goes through here: after the store has loaded, in call order,
 * with failures reported instead of thrown, and counted so `close()` can wait for them.
 */
export class StoreWriter {
  private pending = 0;
  private idle: Array<() => void> = [];

  constructor(
    private readonly store: ClientStore,
    private readonly loaded: Promise<unknown>,
    private readonly failure: (err: unknown) => void,
  ) {}

  /** Resolves once the write is durable, or has failed and been reported. Never rejects. */
  run(write: (store: ClientStore) => Promise<void>): Promise<void> {
    this.pending++;
    return this.loaded
      .then(() => write(this.store))
      .catch((err: unknown) => this.failure(err))
      .finally(() => {
        if (--this.pending === 0) for (const resolve of this.idle.splice(0)) resolve();
      });
  }

  flushed(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
  }
}
