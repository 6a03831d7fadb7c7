import { apply, emptyState, type ClientStore, type OutboxEntry, type StoredSession, type StoredState } from './ClientStore.js';

/**
 * Keeps nothing past the process; the default. Two clients created on one instance share it:
 * one after the other like a restart, at once like two tabs (they take turns refreshing).
 */
export class MemoryStore implements ClientStore {
  private state: StoredState = emptyState();
  private sessionTurn: Promise<unknown> = Promise.resolve();

  async load(): Promise<StoredState> {
    return structuredClone(this.state);
  }

  async putOutbox(entry: OutboxEntry): Promise<void> {
    apply.putOutbox(this.state, { ...entry });
  }

  async deleteOutbox(clientMsgId: string): Promise<void> {
    apply.deleteOutbox(this.state, clientMsgId);
  }

  async setCursor(chatId: string, seq: number): Promise<void> {
    apply.setCursor(this.state, chatId, seq);
  }

  async setChangeSeq(chatId: string, changeSeq: number): Promise<void> {
    apply.setChangeSeq(this.state, chatId, changeSeq);
  }

  async setSession(session: StoredSession | undefined): Promise<void> {
    apply.setSession(this.state, session && { ...session });
  }

  async clear(): Promise<void> {
    this.state = emptyState();
  }

  lockSession<T>(fn: (stored: StoredSession | undefined) => Promise<T>): Promise<T> {
    const turn = this.sessionTurn.then(() => fn(this.state.session && { ...this.state.session }));
    this.sessionTurn = turn.catch(() => undefined);
    return turn;
  }
}
