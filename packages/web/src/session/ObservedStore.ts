import type { ClientStore, OutboxEntry, StoredSession, StoredState } from '@parley/client';

/**
 * Passes every call to the real store and lets the app wait until the client has read it:
 * the SDK restores the session and outbox when its `load()` settles, but does not say when,
 * and an app that opens with no network must know whether someone is signed in.
 */
export class ObservedStore implements ClientStore {
  private readonly done: Promise<StoredState>;
  private settle!: (state: Promise<StoredState>) => void;

  constructor(private readonly inner: ClientStore) {
    this.done = new Promise((resolve) => (this.settle = resolve));
  }

  load(): Promise<StoredState> {
    const state = this.inner.load();
    this.settle(state);
    return state;
  }

  /**
   * Resolves after the client's own handlers of `load()` ran: they were attached in its
   * constructor, before anyone could call this, and promise callbacks run in order.
   */
  async loaded(): Promise<void> {
    await this.done.catch(() => undefined);
  }

  putOutbox(entry: OutboxEntry): Promise<void> {
    return this.inner.putOutbox(entry);
  }
  deleteOutbox(clientMsgId: string): Promise<void> {
    return this.inner.deleteOutbox(clientMsgId);
  }
  setCursor(chatId: string, seq: number): Promise<void> {
    return this.inner.setCursor(chatId, seq);
  }
  setChangeSeq(chatId: string, changeSeq: number): Promise<void> {
    return this.inner.setChangeSeq(chatId, changeSeq);
  }
  setSession(session: StoredSession | undefined): Promise<void> {
    return this.inner.setSession(session);
  }
  clear(): Promise<void> {
    return this.inner.clear();
  }
  // The tabs of the app share the IndexedDB store and take turns refreshing the session.
  lockSession<T>(fn: (stored: StoredSession | undefined) => Promise<T>): Promise<T> {
    if (!this.inner.lockSession) return fn(undefined);
    return this.inner.lockSession(fn);
  }
}
