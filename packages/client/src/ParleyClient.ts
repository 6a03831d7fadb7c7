import type { AccountExport, Chat, HistoryQuery, MediaFile, Message, MessageInput, PushConfig, PushSubscription, PushSubscriptionBody, ReadyFrame, SearchHit, SearchQuery } from '@parley/protocol';
import { AccountCalls } from './AccountCalls.js';
import { Auth, type SessionEnded } from './Auth.js';
import { ChatDirectory } from './ChatDirectory.js';
import { checkContent } from './checkContent.js';
import { Connector, type ConnectionState } from './Connector.js';
import { Delivery } from './Delivery.js';
import { Emitter } from './Emitter.js';
import { FrameHandlers } from './FrameHandlers.js';
import { ParleyError, reachable, requestJson, type RequestOptions } from './http.js';
import { newClientMsgId } from './ids.js';
import { localMessage, type LocalMessage } from './Outbox.js';
import { withDefaults, type ClientEvents, type ParleyClientOptions } from './ParleyClientOptions.js';
import { ReadyWaiters } from './ReadyWaiters.js';
import type { Session } from './session.js';
import type { StoredState } from './store/ClientStore.js';
import { MemoryStore } from './store/MemoryStore.js';
import { StoreWriter } from './store/StoreWriter.js';
import { StoreOwnership } from './StoreOwnership.js';
import type { Tick } from './Ticks.js';
import { TypingSignals } from './TypingSignals.js';

/**
 * The Parley SDK: REST calls with the session's tokens, and a connection that keeps itself
 * up, catches up after every (re)connect, hands messages to the app in order exactly once,
 * and sends what the app wrote across disconnects and restarts. See docs/sdk.md.
 */
export class ParleyClient {
  private readonly events = new Emitter<ClientEvents>();
  private readonly loaded: Promise<StoredState>;
  private readonly writer: StoreWriter;
  private readonly auth: Auth;
  private readonly connector: Connector;
  private readonly directory: ChatDirectory;
  private readonly account = new AccountCalls({ request: (method, path, body) => this.request(method, path, body), endHere: (reason) => this.endHere(reason) });
  private readonly ownership: StoreOwnership;
  private readonly frames: FrameHandlers;
  private readonly typing = new TypingSignals((frame) => this.connector.send(frame));
  private readonly waiters = new ReadyWaiters();

  constructor(options: ParleyClientOptions) {
    const settings = withDefaults(options);
    const store = options.store ?? new MemoryStore();
    this.loaded = store.load();
    this.loaded.catch((err: unknown) => this.report(err));
    this.writer = new StoreWriter(store, this.loaded, (err) => this.report(err));
    this.auth = new Auth(
      (path, body) => requestJson(this.connector.url, 'POST', path, body),
      (session) => this.writer.run((s) => s.setSession(session)),
      (why) => this.endSession(why),
      // A store one client has alone: its own session is the stored one, no turns to take.
      (fn) => (store.lockSession ? this.loaded.then(() => store.lockSession!(fn)) : fn(undefined)),
    );
    this.connector = new Connector(settings.connector, {
      accessToken: () => this.auth.accessToken(),
      tokenExpired: () => this.auth.expired(),
      request: (url, method, path, body, init) => this.requestAt(url, method, path, body, init),
      reachable: (url) => reachable(url, Math.min(settings.connector.connectTimeoutMs, 5000)),
      transport: (name) => this.events.emit('transport', name),
      sessionEnded: (why) => this.endSession(why),
      ready: (frame) => this.onReady(frame),
      frame: (frame) => this.frames.handle(frame),
      down: () => (this.delivery.linkDown(), this.typing.linkDown()),
      state: (state) => this.events.emit('state', state),
    });
    this.directory = new ChatDirectory({
      changed: (chat) => (this.delivery.ticks.setChat(chat), this.events.emit('chat', chat)),
      removed: (chatId) => (this.delivery.forgetChat(chatId), this.events.emit('chat.removed', { chatId })),
    });
    const newDelivery = () => new Delivery(this.connector, this.writer, this.events, () => this.auth.session?.user.id, settings.delivery);
    this.ownership = new StoreOwnership({ loaded: this.loaded, auth: this.auth, writer: this.writer, directory: this.directory, newDelivery });
    this.frames = new FrameHandlers(() => this.delivery, this.directory, this.events);
  }

  // --- Session -------------------------------------------------------------------------

  /** The signed-in user and tokens: restored from the store, or set by register/login. */
  get session(): Session | undefined {
    return this.auth.session;
  }

  /** Adopts a session obtained elsewhere (`undefined` forgets it). */
  set session(session: Session | undefined) {
    if (session) void this.ownership.adopt(session);
    else this.auth.clear();
  }

  async register(username: string, password: string, displayName?: string, deviceName?: string): Promise<Session> {
    return this.ownership.adopt(await requestJson<Session>(this.connector.url, 'POST', '/auth/register', { username, password, displayName, deviceName }));
  }

  async login(username: string, password: string, deviceName?: string): Promise<Session> {
    return this.ownership.adopt(await requestJson<Session>(this.connector.url, 'POST', '/auth/login', { username, password, deviceName }));
  }

  /** Ends this device's session on the server and here; the outbox waits for this user's next login. */
  async logout(): Promise<void> {
    this.connector.stop();
    await this.request('POST', '/auth/logout');
    this.endHere('logged out');
  }

  /** Trades the refresh token for a new pair now (the client also does this by itself). */
  refresh(): Promise<void> {
    return this.auth.refresh();
  }

  // --- Your data, and this device's Web Push subscription (AccountCalls) ----------------

  /** Everything the server holds about this user (docs/api.md, "Your data"), parsed; at most a few an hour. */
  exportAccount(): Promise<AccountExport> {
    return this.account.exportAccount();
  }

  /**
   * Deletes the account for good; the password is asked again (a wrong one rejects with
   * `unauthorized` and changes nothing). Then the session ends here as after `logout`: the
   * server has already closed every device's connection.
   */
  deleteAccount(password: string, options?: { deleteMessages?: boolean }): Promise<void> {
    return this.account.deleteAccount(password, options);
  }

  /** The application server key to pass to `pushManager.subscribe` (docs/notifications.md). */
  pushConfig(): Promise<PushConfig> {
    return this.account.pushConfig();
  }

  /** This device's Web Push subscription (`PushSubscription.toJSON()` plus `previews`), replacing its earlier one. */
  setPushSubscription(subscription: PushSubscriptionBody): Promise<PushSubscription> {
    return this.account.setPushSubscription(subscription);
  }

  /** This device gets no more pushes (also fine when it had no subscription). */
  removePushSubscription(): Promise<void> {
    return this.account.removePushSubscription();
  }

  // --- REST ----------------------------------------------------------------------------

  /** An authenticated call under /api/v1; on `token_expired` the token is refreshed and the call repeated once. */
  request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.requestAt(this.connector.url, method, path, body);
  }

  openPrivateChat(userId: string): Promise<Chat> {
    return this.request('POST', '/chats/private', { userId });
  }

  createGroup(name: string, memberIds: string[]): Promise<Chat> {
    return this.request('POST', '/chats/group', { name, memberIds });
  }

  /** The user's chats, most recently active first (also refreshes what `chat` events and ticks know). */
  async chats(): Promise<Chat[]> {
    return this.directory.refresh(async () => (await this.request<{ chats: Chat[] }>('GET', '/users/me/chats')).chats);
  }

  history(chatId: string, query: HistoryQuery = {}): Promise<{ messages: Message[]; hasMore: boolean }> {
    const params = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
    return this.request('GET', `/chats/${encodeURIComponent(chatId)}/messages?${params}`);
  }

  /** One message by id, as history shows it (with its `seq`): where a message known only by id (a quote's) stands. */
  async getMessage(chatId: string, messageId: string): Promise<Message> {
    return (await this.request<{ message: Message }>('GET', messagePath(chatId, messageId))).message;
  }

  // --- Message actions, media, search (REST; every device also gets the change as `message.updated`)

  /** Replaces the text of an own text message. */
  async editMessage(chatId: string, messageId: string, content: string): Promise<Message> {
    return (await this.request<{ message: Message }>('PATCH', messagePath(chatId, messageId), { content })).message;
  }

  /** `everyone` leaves a tombstone for all members (own messages, or any as a group admin); `me` hides it on this user's devices. */
  async deleteMessage(chatId: string, messageId: string, scope: 'everyone' | 'me' = 'everyone'): Promise<Message> {
    return (await this.request<{ message: Message }>('DELETE', `${messagePath(chatId, messageId)}?for=${scope}`)).message;
  }

  /** Sets this user's one reaction on the message; `undefined` takes it away. */
  async react(chatId: string, messageId: string, emoji: string | undefined): Promise<Message> {
    const path = `${messagePath(chatId, messageId)}/reactions`;
    return (await (emoji === undefined ? this.request<{ message: Message }>('DELETE', path) : this.request<{ message: Message }>('POST', path, { emoji }))).message;
  }

  /** Copies a message (with its media or location) into another chat; `clientMsgId` makes a retry safe. */
  async forward(chatId: string, messageId: string, toChatId: string, clientMsgId: string = newClientMsgId()): Promise<Message> {
    return (await this.request<{ message: Message }>('POST', `${messagePath(chatId, messageId)}/forward`, { toChatId, clientMsgId })).message;
  }

  /**
   * Uploads a file; send it with `send(chatId, { type, content: caption, media: { id } })`. The
   * server decides the kind from the bytes. Large files get a longer timeout (1 s per 100 KB).
   */
  uploadMedia(file: Blob, filename = 'file', options: { onProgress?: (fraction: number) => void; signal?: AbortSignal } = {}): Promise<MediaFile> {
    const form = new FormData();
    form.append('file', file, filename);
    return this.requestAt(this.connector.url, 'POST', '/media/upload', form, {
      timeoutMs: Math.max(30_000, file.size / 100),
      onUploadProgress: options.onProgress,
      signal: options.signal,
    });
  }

  /** A media record with freshly signed URLs (they expire; messages kept long need this). */
  media(mediaId: string): Promise<MediaFile> {
    return this.request('GET', `/media/${encodeURIComponent(mediaId)}`);
  }

  /** Full-text search over the chats this user is in now, best first; pass `nextCursor` back for the next page. */
  search(query: SearchQuery): Promise<{ results: SearchHit[]; nextCursor?: string }> {
    const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
    return this.request('GET', `/search?${params}`);
  }

  // --- Mute (docs/notifications.md) ------------------------------------------------------

  /** No pushes for this chat until `until`, or until unmuted. The chat goes through the directory as a `chat` frame would. */
  async muteChat(chatId: string, until?: Date): Promise<Chat> {
    return this.changedChat(await this.request<Chat>('PUT', `${chatPath(chatId)}/mute`, until ? { until: until.toISOString() } : {}));
  }

  async unmuteChat(chatId: string): Promise<Chat> {
    return this.changedChat(await this.request<Chat>('DELETE', `${chatPath(chatId)}/mute`));
  }

  // --- Real time -----------------------------------------------------------------------

  get state(): ConnectionState {
    return this.connector.state;
  }

  /**
   * How the link is made: `websocket`, `sse` or `long-polling` (or a custom transport's name),
   * for the current link or, while reconnecting, the last one; undefined before the first.
   */
  get transport(): string | undefined {
    return this.connector.transportName;
  }

  /**
   * Starts connecting, and reconnecting until `close()`; resolves on the first `ready`.
   * Rejects if the session ends first (say `unauthorized`) or the client is closed.
   */
  async connect(): Promise<ReadyFrame> {
    await this.loaded;
    this.auth.require();
    if (this.state === 'ready' && this.waiters.last) return this.waiters.last;
    const ready = this.waiters.wait();
    this.connector.start();
    this.auth.start();
    return ready;
  }

  /** Disconnects and stops every timer; resolves once the store holds everything written so far. */
  async close(): Promise<void> {
    this.connector.stop();
    this.auth.stop();
    this.delivery.stop();
    this.waiters.reject(new ParleyError(0, 'network_error', 'client closed'));
    await this.writer.flushed();
  }

  /**
   * Queues a message and returns it at once, status `sending`. It is stored before it goes
   * out, and sent (again, same `clientMsgId`) until the server acks it, across reconnects
   * and, with a persistent store, restarts. Throws only for content the server would never
   * take (blank, over 16 KiB).
   */
  send(chatId: string, content: string | MessageInput, clientMsgId: string = newClientMsgId()): LocalMessage {
    const input: MessageInput = typeof content === 'string' ? { type: 'text', content } : content;
    checkContent(input);
    const local = localMessage(chatId, input, clientMsgId);
    this.delivery.send(local);
    return { ...local };
  }

  /** Resolves with the stored message once `clientMsgId` is acked; rejects if the server refuses it. */
  sent(clientMsgId: string): Promise<Message> {
    return this.delivery.outbox.whenSent(clientMsgId);
  }

  /** Messages not acked yet, oldest first. */
  pending(): LocalMessage[] {
    return this.delivery.outbox.entries();
  }

  /** The highest seq of the chat up to which every message was handed to the app. */
  cursor(chatId: string): number {
    return this.delivery.timeline.cursor(chatId);
  }

  /** The sender's-view status of any message, from the member cursors this client knows. */
  statusOf(message: Pick<Message, 'chatId' | 'seq' | 'senderId'>): Tick {
    return this.delivery.ticks.statusOf(message.chatId, message.seq, message.senderId);
  }

  markDelivered(chatId: string, seq: number): void {
    this.delivery.mark(chatId, seq, 'delivered');
  }

  /** Marks everything up to `seq` read (and so delivered). */
  markRead(chatId: string, seq: number): void {
    this.delivery.mark(chatId, seq, 'read');
  }

  /** Call on every keystroke: `start` goes out at most every 3 s, and not while disconnected. */
  startTyping(chatId: string): void {
    this.typing.start(chatId);
  }

  stopTyping(chatId: string): void {
    this.typing.stop(chatId);
  }

  on<K extends keyof ClientEvents>(type: K, listener: (payload: ClientEvents[K]) => void): () => void {
    return this.events.on(type, listener);
  }

  // --- Inside --------------------------------------------------------------------------

  private async requestAt<T>(baseUrl: string, method: string, path: string, body?: unknown, init?: RequestOptions): Promise<T> {
    await this.loaded;
    return this.auth.withToken((token) => requestJson<T>(baseUrl, method, path, body, token, init));
  }

  /** The delivery of the user who owns the store now. */
  private get delivery(): Delivery {
    return this.ownership.delivery;
  }

  private onReady(frame: ReadyFrame): void {
    this.waiters.ready(frame);
    this.delivery.linkUp();
    this.chats().catch((err: unknown) => this.report(err));
  }

  /** A chat a REST call changed: the app hears of it now, and once only when the frame follows. */
  private changedChat(chat: Chat): Chat {
    this.directory.update(chat);
    return chat;
  }

  private endSession(why: SessionEnded): void {
    this.endHere(why.message, why.code);
    this.events.emit('session.ended', why);
  }

  /** The session is over (logged out, deleted, refused): no link, no tokens, and whoever waits to connect is told. */
  private endHere(reason: string, code: SessionEnded['code'] = 'unauthorized'): void {
    this.connector.stop();
    this.auth.clear();
    this.waiters.reject(new ParleyError(401, code, reason));
  }

  private report(err: unknown): void {
    const error = err instanceof ParleyError ? err : new ParleyError(0, 'internal_error', err instanceof Error ? err.message : String(err));
    this.events.emit('error', error);
  }
}

const chatPath = (chatId: string) => `/chats/${encodeURIComponent(chatId)}`;
const messagePath = (chatId: string, messageId: string) => `${chatPath(chatId)}/messages/${encodeURIComponent(messageId)}`;
