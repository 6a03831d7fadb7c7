import type { Chat, ConnectionState, LocalMessage, Message, Presence, User } from '@parley/client';

/** What the UI shows of one signed-in user; AppStore replaces it whole on every change. */
export interface AppState {
  readonly me: User;
  readonly connection: ConnectionState;
  /** What the browser says (`navigator.onLine`). */
  readonly online: boolean;
  /** Most recently active first. */
  readonly chats: readonly Chat[];
  /** Per chat, the live run: one run of consecutive seqs up to the newest known (see mergeMessages). */
  readonly messages: Readonly<Record<string, readonly Message[]>>;
  /**
   * Per chat, a window loaded around a message jumped to (search): one run of consecutive seqs
   * that does not touch the live run, shown instead of it; never cached. See HistoryLoader.
   */
  readonly detached: Readonly<Record<string, readonly Message[]>>;
  /** Per chat, own messages from this device not acked yet (`sending`) or refused (`failed`). */
  readonly pending: Readonly<Record<string, readonly LocalMessage[]>>;
  readonly presence: Readonly<Record<string, Presence>>;
  /** Per chat, who is typing now. */
  readonly typing: Readonly<Record<string, readonly string[]>>;
  /** Per chat, the highest seq this user has read. */
  readonly readMarks: Readonly<Record<string, number>>;
  /** Bumped whenever a member's receipt cursors move: own messages' ticks may have changed. */
  readonly receipts: number;
  readonly loadingOlder: Readonly<Record<string, boolean>>;
  /** Per chat, whether the detached window's next newer page is on its way. */
  readonly loadingNewer: Readonly<Record<string, boolean>>;
}

/** What the chat shows: its detached window if it has one, else its live run. */
export function shownMessages(state: AppState, chatId: string): readonly Message[] | undefined {
  return state.detached[chatId] ?? state.messages[chatId];
}

/** The state of a store just made: what the SDK holds (connection, own messages not acked yet), nothing loaded. */
export function initialState(me: User, connection: ConnectionState, pending: readonly LocalMessage[]): AppState {
  return {
    me, connection, online: navigator.onLine, chats: [], messages: {}, detached: {}, pending: groupPending(pending),
    presence: {}, typing: {}, readMarks: {}, receipts: 0, loadingOlder: {}, loadingNewer: {},
  };
}

function groupPending(entries: readonly LocalMessage[]): Record<string, LocalMessage[]> {
  const byChat: Record<string, LocalMessage[]> = {};
  for (const e of entries) (byChat[e.chatId] ??= []).push(e);
  return byChat;
}
