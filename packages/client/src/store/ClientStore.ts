import type { MessageInput } from '@parley/protocol';
import type { Session } from '../session.js';

/** A message waiting for its `ack`, exactly as it will be (re)sent. */
export interface OutboxEntry {
  clientMsgId: string;
  chatId: string;
  type: MessageInput['type'];
  content: string;
  replyTo?: string;
  /** An uploaded file (`uploadMedia`) for image, video, audio and file messages. */
  media?: { id: string };
  location?: MessageInput['location'];
  /** Local clock, ISO-8601. */
  createdAt: string;
}

export interface StoredSession extends Session {
  /** Local time (ms since epoch) after which the access token should be refreshed. */
  refreshAt?: number;
}

export interface StoredState {
  /** The user the outbox and cursors belong to; kept after the session ends. */
  owner?: string;
  session?: StoredSession;
  /** Per chat, the highest seq up to which every message was handed to the app. */
  cursors: Record<string, number>;
  /** Per chat, the `changeSeq` up to which edits, deletions, reactions and hides were handed to the app. */
  changes: Record<string, number>;
  /** Unacked messages, oldest first. */
  outbox: OutboxEntry[];
}

/**
 * Where the SDK keeps what must survive a restart. Each write resolves once it is durable;
 * writes are issued in order and must be applied in that order. One client per store, unless
 * the store implements `lockSession` (then several may share it, as browser tabs do).
 */
export interface ClientStore {
  /** Everything kept; called once, before any write. */
  load(): Promise<StoredState>;
  putOutbox(entry: OutboxEntry): Promise<void>;
  deleteOutbox(clientMsgId: string): Promise<void>;
  setCursor(chatId: string, seq: number): Promise<void>;
  setChangeSeq(chatId: string, changeSeq: number): Promise<void>;
  /** `undefined` forgets the tokens but keeps `owner`. */
  setSession(session: StoredSession | undefined): Promise<void>;
  /** Forgets everything (another user signs in on this store). */
  clear(): Promise<void>;
  /**
   * For a store several clients use at once: runs `fn` with the session as the store holds it
   * now, while no other client of the store runs its own `fn`. A refresh token works once, so
   * the clients take turns refreshing, and one that finds a pair another has rotated takes it.
   */
  lockSession?<T>(fn: (stored: StoredSession | undefined) => Promise<T>): Promise<T>;
}

export const emptyState = (): StoredState => ({ cursors: {}, changes: {}, outbox: [] });

/** The in-memory half every store shares: apply one write to a state object. */
export const apply = {
  putOutbox(state: StoredState, entry: OutboxEntry): void {
    const i = state.outbox.findIndex((e) => e.clientMsgId === entry.clientMsgId);
    if (i >= 0) state.outbox[i] = entry;
    else state.outbox.push(entry);
  },
  deleteOutbox(state: StoredState, clientMsgId: string): void {
    state.outbox = state.outbox.filter((e) => e.clientMsgId !== clientMsgId);
  },
  setCursor(state: StoredState, chatId: string, seq: number): void {
    if (seq > (state.cursors[chatId] ?? 0)) state.cursors[chatId] = seq;
  },
  setChangeSeq(state: StoredState, chatId: string, changeSeq: number): void {
    if (changeSeq > (state.changes[chatId] ?? 0)) state.changes[chatId] = changeSeq;
  },
  setSession(state: StoredState, session: StoredSession | undefined): void {
    if (session) state.owner = session.user.id;
    state.session = session;
  },
};
