import type {
  AckFrame, Chat, ClientFrame, ErrorFrame, HistoryQuery, Message, MessageInput, ReadyFrame, ServerFrame, SyncedChat, User,
} from '@parley/protocol';
import { ParleyError, requestJson } from './http.js';

type WebSocketLike = {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
};
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface ParleyClientOptions {
  /** The server's origin, e.g. http://127.0.0.1:3000 */
  baseUrl: string;
  /** Defaults to the global WebSocket (browsers) or the `ws` package (Node). */
  WebSocket?: WebSocketConstructor;
}

export interface Session { user: User; accessToken: string; refreshToken: string; deviceId?: string }

type Listener<F> = (frame: F) => void;
type FrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

/**
 * The typed SDK: REST calls with the session's token, and one WebSocket for real-time
 * frames. `send` resolves with the stored message once the server acked it.
 */
export class ParleyClient {
  session?: Session;
  private socket?: WebSocketLike;
  private listeners = new Map<string, Set<Listener<never>>>();
  private pendingAcks = new Map<string, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  private pendingSync: Array<{ resolve: (chats: SyncedChat[]) => void; reject: (e: Error) => void }> = [];

  constructor(private readonly options: ParleyClientOptions) {}

  async register(username: string, password: string, displayName?: string): Promise<Session> {
    return (this.session = await requestJson<Session>(this.options.baseUrl, 'POST', '/auth/register', { username, password, displayName }));
  }

  async login(username: string, password: string, deviceName?: string): Promise<Session> {
    return (this.session = await requestJson<Session>(this.options.baseUrl, 'POST', '/auth/login', { username, password, deviceName }));
  }

  /** Trades the refresh token for a new pair (the old one stops working). */
  async refresh(): Promise<void> {
    const session = this.requireSession();
    const tokens = await requestJson<{ accessToken: string; refreshToken: string }>(this.options.baseUrl, 'POST', '/auth/refresh', { refreshToken: session.refreshToken });
    this.session = { ...session, ...tokens };
  }

  request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return requestJson<T>(this.options.baseUrl, method, path, body, this.session?.accessToken);
  }

  openPrivateChat(userId: string): Promise<Chat> {
    return this.request('POST', '/chats/private', { userId });
  }

  createGroup(name: string, memberIds: string[]): Promise<Chat> {
    return this.request('POST', '/chats/group', { name, memberIds });
  }

  async chats(): Promise<Chat[]> {
    return (await this.request<{ chats: Chat[] }>('GET', '/users/me/chats')).chats;
  }

  history(chatId: string, query: HistoryQuery = {}): Promise<{ messages: Message[]; hasMore: boolean }> {
    const params = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
    return this.request('GET', `/chats/${encodeURIComponent(chatId)}/messages?${params}`);
  }

  /** Opens the WebSocket and authenticates; resolves on `ready`. */
  async connect(): Promise<ReadyFrame> {
    const session = this.requireSession();
    const Impl = this.options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket ?? (await import('ws')).default as unknown as WebSocketConstructor;
    const socket = new Impl(`${this.options.baseUrl.replace(/^http/, 'ws')}/api/v1/ws/chat`);
    this.socket = socket;
    let authError: ParleyError | undefined;
    let ready = false;
    return new Promise((resolve, reject) => {
      socket.onopen = () => socket.send(JSON.stringify({ type: 'auth', token: session.accessToken }));
      socket.onerror = () => reject(new ParleyError(0, 'network_error', 'WebSocket failed'));
      socket.onclose = (ev) => {
        const error = authError ?? new ParleyError(0, 'network_error', `WebSocket closed (${ev.code})`);
        reject(error);
        this.failPending(error);
        this.emit({ type: 'closed', code: ev.code, reason: ev.reason } as never);
      };
      socket.onmessage = (ev) => {
        const frame = JSON.parse(String(ev.data)) as ServerFrame;
        if (frame.type === 'ready') {
          ready = true;
          resolve(frame);
        } else if (frame.type === 'error' && !ready) {
          // The server closes with 4001 right after this; report its reason, not the close.
          authError = new ParleyError(401, frame.error.code, frame.error.message);
        }
        this.dispatch(frame);
      };
    });
  }

  get isOpen(): boolean {
    return this.socket?.readyState === 1;
  }

  /** Sends over the WebSocket; resolves with the stored message when acked. */
  send(chatId: string, message: MessageInput, clientMsgId: string = crypto.randomUUID()): Promise<Message> {
    return new Promise((resolve, reject) => {
      this.sendFrame({ type: 'send', clientMsgId, chatId, message });
      this.pendingAcks.set(clientMsgId, { resolve, reject });
    });
  }

  /** Asks for everything after the given per-chat cursors. */
  sync(cursors: Record<string, number>, limit?: number): Promise<SyncedChat[]> {
    return new Promise((resolve, reject) => {
      this.sendFrame(limit ? { type: 'sync', cursors, limit } : { type: 'sync', cursors });
      this.pendingSync.push({ resolve, reject });
    });
  }

  on<T extends ServerFrame['type'] | 'closed'>(type: T, listener: Listener<T extends ServerFrame['type'] ? FrameOf<T> : { code: number; reason: string }>): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  close(): void {
    this.socket?.close(1000);
  }

  sendFrame(frame: ClientFrame): void {
    if (!this.socket || !this.isOpen) throw new ParleyError(0, 'network_error', 'not connected');
    this.socket.send(JSON.stringify(frame));
  }

  private dispatch(frame: ServerFrame): void {
    if (frame.type === 'ack') this.settleAck(frame);
    else if (frame.type === 'error' && frame.ref) this.settleError(frame);
    // Frames are answered in order, so an unreferenced error belongs to the oldest pending sync.
    else if (frame.type === 'error') this.pendingSync.shift()?.reject(new ParleyError(0, frame.error.code, frame.error.message));
    else if (frame.type === 'synced') this.pendingSync.shift()?.resolve(frame.chats);
    this.emit(frame);
  }

  private settleAck(frame: AckFrame): void {
    this.pendingAcks.get(frame.clientMsgId)?.resolve(frame.message);
    this.pendingAcks.delete(frame.clientMsgId);
  }

  private settleError(frame: ErrorFrame): void {
    const pending = this.pendingAcks.get(frame.ref!);
    if (!pending) return;
    this.pendingAcks.delete(frame.ref!);
    pending.reject(new ParleyError(0, frame.error.code, frame.error.message));
  }

  private emit(frame: ServerFrame): void {
    for (const listener of this.listeners.get(frame.type) ?? []) (listener as Listener<ServerFrame>)(frame);
  }

  private failPending(error: Error): void {
    for (const pending of this.pendingAcks.values()) pending.reject(error);
    this.pendingAcks.clear();
    for (const pending of this.pendingSync.splice(0)) pending.reject(error);
  }

  private requireSession(): Session {
    if (!this.session) throw new ParleyError(401, 'unauthorized', 'log in or register first');
    return this.session;
  }
}
