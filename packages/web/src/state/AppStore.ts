import type { Chat, LocalMessage, Message, ParleyClient, User } from '@parley/client';
import type { MessageInput } from '@parley/protocol';
import { pageAttended } from '../notices/pageAttended.js';
import { applyUpdate } from './applyUpdate.js';
import { initialState, type AppState } from './AppState.js';
import { HistoryLoader } from './HistoryLoader.js';
import { LocalCache } from './LocalCache.js';
import { mergeMessages, touching } from './mergeMessages.js';
import { PresenceBook } from './PresenceBook.js';
import { TypingBook } from './TypingBook.js';

/**
 * Everything the UI shows of one signed-in user, fed by the SDK's events and by the local
 * cache (shown at once, before the network answers). Components read it through `useApp`;
 * every change replaces the state object, so React sees exactly what changed.
 */
export class AppStore {
  state: AppState;
  /** History pages: newest, older, newer, and windows around a message (`history.showMessage`). */
  readonly history: HistoryLoader;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: Array<() => void> = [];
  private readonly chatsById = new Map<string, Chat>();
  private incoming: Message[] = [];
  private readonly presenceBook: PresenceBook;
  private readonly typingBook: TypingBook;
  /** The chat on screen, scrolled to its newest message: what arrives there is read at once. */
  private watching?: string;

  constructor(readonly client: ParleyClient, me: User, readonly cache = new LocalCache()) {
    this.state = initialState(me, client.state, client.pending());
    this.history = new HistoryLoader(client, {
      state: () => this.state,
      take: (chatId, messages) => this.take(chatId, messages),
      setDetached: (chatId, run) => this.setDetached(chatId, run),
      setLoading: (which, chatId, loading) => this.set({ [which]: { ...this.state[which], [chatId]: loading } }),
    });
    this.presenceBook = new PresenceBook(client, me.id, (presence) => this.set({ presence }));
    this.typingBook = new TypingBook((typing) => this.set({ typing }));
  }

  /** Listens to the SDK; returns the function that stops it. */
  start(): () => void {
    const client = this.client;
    this.unsubscribe.push(
      client.on('message', (m) => this.queue(m)),
      client.on('message.updated', (m) => this.update(m)),
      client.on('status', (local) => this.onStatus(local)),
      client.on('chat', (chat) => this.upsertChat(chat)),
      client.on('chat.removed', ({ chatId }) => this.removeChat(chatId)),
      client.on('receipt', (r) => this.onReceipt(r)),
      client.on('typing', (t) => this.typingBook.update(t.chatId, t.userId, t.state === 'start')),
      client.on('presence', (p) => this.presenceBook.update(p)),
      client.on('profile', (p) => this.onProfile(p)),
      client.on('state', (connection) => {
        this.set({ connection });
        if (connection === 'ready') this.presenceBook.refresh(this.memberIds());
      }),
    );
    return () => this.dispose();
  }

  /** Shows the cached chats and messages; call once, before connecting. */
  async restore(): Promise<void> {
    const cached = await this.cache.load(this.state.me.id).catch(() => ({ chats: [], messages: {} as Record<string, Message[]> }));
    for (const chat of cached.chats) if (!this.chatsById.has(chat.id)) this.chatsById.set(chat.id, chat);
    const messages = { ...this.state.messages };
    for (const [chatId, list] of Object.entries(cached.messages)) messages[chatId] = mergeMessages(list, messages[chatId] ?? []);
    this.set({ messages, readMarks: { ...readMarksOf(cached.chats, this.state.me.id), ...this.state.readMarks } });
    this.publishChats();
  }

  // --- For components --------------------------------------------------------------------

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  chat(chatId: string): Chat | undefined {
    return this.chatsById.get(chatId);
  }

  /**
   * Queues a message of any kind (text, media, location), as a reply to `replyTo` if given; it
   * shows as `sending` until acked. Throws for content the server would refuse (blank or oversized text).
   */
  send(chatId: string, input: Omit<MessageInput, 'replyTo'>, replyTo?: string): void {
    const local = this.client.send(chatId, replyTo ? { ...input, replyTo } : input);
    this.set({ pending: { ...this.state.pending, [chatId]: [...(this.state.pending[chatId] ?? []), local] } });
    this.publishChats();
  }

  /** A changed message (edit, deletion, reaction) from a frame or a REST answer; the higher `changeSeq` wins. */
  update(message: Message): void {
    const list = this.state.messages[message.chatId];
    const next = list ? applyUpdate(list, message) : list;
    if (next && next !== list) {
      this.set({ messages: { ...this.state.messages, [message.chatId]: next } });
      this.cache.putMessages([message]);
    }
    const window = this.state.detached[message.chatId];
    const nextWindow = window ? applyUpdate(window, message) : window;
    if (nextWindow !== window) this.setDetached(message.chatId, nextWindow);
    const chat = this.chatsById.get(message.chatId);
    const last = chat?.lastMessage;
    if (chat && last?.id === message.id && (last.changeSeq ?? 0) < (message.changeSeq ?? 0)) this.putChat({ ...chat, lastMessage: message });
  }

  /** Edits an own text message; shown at once from the answer (the frame may come later or not at all). */
  async editMessage(chatId: string, messageId: string, content: string): Promise<void> {
    this.update(await this.client.editMessage(chatId, messageId, content));
  }

  /** `everyone` leaves a tombstone for all members; `me` hides it on this user's devices. */
  async deleteMessage(chatId: string, messageId: string, scope: 'everyone' | 'me'): Promise<void> {
    this.update(await this.client.deleteMessage(chatId, messageId, scope));
  }

  /** A refused message is dropped from the screen (it was never stored). */
  discard(chatId: string, clientMsgId: string): void {
    this.set({ pending: { ...this.state.pending, [chatId]: (this.state.pending[chatId] ?? []).filter((p) => p.clientMsgId !== clientMsgId) } });
  }

  /** The user has seen everything up to `seq` in the chat. */
  markRead(chatId: string, seq: number): void {
    if (seq <= (this.state.readMarks[chatId] ?? 0)) return;
    this.client.markRead(chatId, seq);
    this.set({ readMarks: { ...this.state.readMarks, [chatId]: seq } });
    const chat = this.chatsById.get(chatId);
    const live = this.state.messages[chatId] ?? [];
    // Read in a detached window: the live run does not hold all that is after it, so the count stays.
    if (chat && chat.unreadCount > 0 && (seq >= chat.lastSeq || (live[0]?.seq ?? Infinity) <= seq + 1)) {
      const unread = live.filter((m) => m.seq > seq && m.senderId !== this.state.me.id).length;
      this.putChat({ ...chat, unreadCount: seq >= chat.lastSeq ? 0 : Math.min(chat.unreadCount, unread) });
    }
  }

  /** Which chat is on screen at its newest message (undefined: none). */
  watch(chatId: string | undefined): void {
    this.watching = chatId;
  }

  /** A chat the app got from a REST answer (created, renamed, members changed). */
  upsertChat(incoming: Chat): void {
    const old = this.chatsById.get(incoming.id);
    // A `chat` frame or list may be older than the messages this client already has.
    const keepOld = old?.lastMessage && (!incoming.lastMessage || old.lastMessage.seq > incoming.lastMessage.seq);
    const chat = keepOld ? { ...incoming, lastMessage: old.lastMessage, lastSeq: Math.max(old.lastSeq, incoming.lastSeq) } : incoming;
    const isNew = !old || chat.members.some((m) => !old.members.some((o) => o.userId === m.userId));
    const mark = readMarksOf([chat], this.state.me.id)[chat.id] ?? 0;
    if (mark > (this.state.readMarks[chat.id] ?? 0)) this.set({ readMarks: { ...this.state.readMarks, [chat.id]: mark } });
    this.putChat(chat);
    this.set({ receipts: this.state.receipts + 1 });
    if (isNew && this.state.connection === 'ready') this.presenceBook.refresh(this.memberIds());
  }

  removeChat(chatId: string): void {
    this.chatsById.delete(chatId);
    this.cache.removeChat(chatId);
    const { [chatId]: _m, ...messages } = this.state.messages;
    const { [chatId]: _d, ...detached } = this.state.detached;
    this.set({ messages, detached });
    this.publishChats();
  }

  /** Someone's profile changed: their name in every chat that has them (and the own name, from another device). */
  private onProfile(profile: User): void {
    if (profile.id === this.state.me.id) this.setMe({ ...this.state.me, displayName: profile.displayName });
    for (const chat of this.chatsById.values()) {
      const member = chat.members.find((m) => m.userId === profile.id);
      if (!member || member.displayName === profile.displayName) continue;
      this.upsertChat({ ...chat, members: chat.members.map((m) => (m.userId === profile.id ? { ...m, displayName: profile.displayName } : m)) });
    }
  }

  /** The signed-in user's own profile changed (display name). */
  setMe(me: User): void {
    if (me.displayName !== this.state.me.displayName) this.set({ me });
  }

  setOnline(online: boolean): void {
    this.set({ online });
  }

  dispose(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.typingBook.clear();
    void this.cache.flush();
  }

  // --- Inside ----------------------------------------------------------------------------

  /** Messages arrive one event each (5,000 at once in a catch-up): applied together. */
  private queue(message: Message): void {
    if (this.incoming.length === 0) queueMicrotask(() => this.flushIncoming());
    this.incoming.push(message);
  }

  private flushIncoming(): void {
    const byChat = new Map<string, Message[]>();
    for (const m of this.incoming.splice(0)) byChat.set(m.chatId, [...(byChat.get(m.chatId) ?? []), m]);
    for (const [chatId, messages] of byChat) this.take(chatId, messages, true);
  }

  /** New messages of one chat, from the live stream (`live`) or a history page. */
  private take(chatId: string, messages: readonly Message[], live = false): void {
    if (messages.length === 0) return;
    const list = this.joinDetached(chatId, mergeMessages(this.state.messages[chatId] ?? [], messages));
    this.set({ messages: { ...this.state.messages, [chatId]: list } });
    this.cache.putMessages(messages);
    const chat = this.chatsById.get(chatId);
    if (!chat) return;
    const newer = messages.filter((m) => m.seq > chat.lastSeq);
    if (newer.length === 0) return;
    const last = newer.reduce((a, b) => (b.seq > a.seq ? b : a));
    const readMark = this.state.readMarks[chatId] ?? 0;
    const seen = this.watching === chatId && pageAttended();
    const unread = live && !seen ? newer.filter((m) => m.senderId !== this.state.me.id && m.seq > readMark).length : 0;
    this.putChat({ ...chat, lastSeq: last.seq, lastMessage: last, unreadCount: chat.unreadCount + unread });
  }

  /** The live run grew to touch the detached window (or the window reached it): one run from now on, cached like the rest. */
  private joinDetached(chatId: string, live: readonly Message[]): readonly Message[] {
    const window = this.state.detached[chatId];
    if (!window || !touching(live, window)) return live;
    this.setDetached(chatId, undefined);
    this.cache.putMessages(window);
    return mergeMessages(live, window);
  }

  private setDetached(chatId: string, run: readonly Message[] | undefined): void {
    if (run === this.state.detached[chatId]) return;
    const { [chatId]: _old, ...detached } = this.state.detached;
    this.set({ detached: run ? { ...detached, [chatId]: run } : detached });
  }

  private onStatus(local: LocalMessage): void {
    if (local.status === 'sent' || local.status === 'failed') {
      const list = this.state.pending[local.chatId] ?? [];
      const next = local.status === 'sent' ? list.filter((p) => p.clientMsgId !== local.clientMsgId) : list.map((p) => (p.clientMsgId === local.clientMsgId ? local : p));
      this.set({ pending: { ...this.state.pending, [local.chatId]: next } });
    }
    this.set({ receipts: this.state.receipts + 1 });
  }

  private onReceipt(r: { chatId: string; userId: string; readSeq: number; unreadCount?: number }): void {
    this.set({ receipts: this.state.receipts + 1 });
    if (r.userId !== this.state.me.id) return;
    // This user read on another device.
    if (r.readSeq > (this.state.readMarks[r.chatId] ?? 0)) this.set({ readMarks: { ...this.state.readMarks, [r.chatId]: r.readSeq } });
    const chat = this.chatsById.get(r.chatId);
    if (chat && r.unreadCount !== undefined) this.putChat({ ...chat, unreadCount: r.unreadCount });
  }

  private putChat(chat: Chat): void {
    this.chatsById.set(chat.id, chat);
    this.cache.putChat(chat);
    this.publishChats();
  }

  private publishChats(): void {
    const activity = (chat: Chat) => {
      const pending = this.state.pending[chat.id];
      const times = [chat.createdAt, chat.lastMessage?.createdAt ?? '', pending?.[pending.length - 1]?.createdAt ?? ''];
      return times.reduce((a, b) => (b > a ? b : a));
    };
    const chats = [...this.chatsById.values()].map((chat) => ({ chat, at: activity(chat) })).sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    this.set({ chats: chats.map((c) => c.chat) });
  }

  private memberIds(): string[] {
    const ids = new Set<string>();
    for (const chat of this.chatsById.values()) for (const m of chat.members) ids.add(m.userId);
    return [...ids];
  }

  private set(patch: Partial<AppState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}

function readMarksOf(chats: readonly Chat[], me: string): Record<string, number> {
  const marks: Record<string, number> = {};
  for (const chat of chats) {
    const mine = chat.members.find((m) => m.userId === me);
    if (mine?.readSeq !== undefined) marks[chat.id] = mine.readSeq;
  }
  return marks;
}
