import type { Chat, Message, PresenceFrame, Profile, ReceiptUpdateFrame, TypingUpdateFrame } from '@parley/protocol';
import type { SessionEnded } from './Auth.js';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import type { ConnectionState, ConnectorOptions } from './Connector.js';
import type { DeliveryOptions } from './Delivery.js';
import type { ParleyError } from './http.js';
import type { LocalMessage } from './Outbox.js';
import type { ClientStore } from './store/ClientStore.js';
import { longPollTransport } from './transport/LongPollTransport.js';
import { sseTransport } from './transport/SseTransport.js';
import type { TransportFactory } from './transport/Transport.js';
import { webSocketTransport, type WebSocketConstructor } from './transport/WebSocketTransport.js';

export interface ParleyClientOptions {
  /** The server's origin, e.g. `http://127.0.0.1:3000`; several to fail over between, in order. */
  baseUrl: string | string[];
  /** Keeps the session, the outbox and the chat cursors. Default: `MemoryStore` (nothing survives the process). */
  store?: ClientStore;
  /**
   * How to reach the server in real time, best first: an attempt that gets nowhere while the
   * server answers plain HTTP moves to the next. Default: `[webSocketTransport(), sseTransport(),
   * longPollTransport()]`.
   */
  transports?: TransportFactory[];
  /** Only this transport (overrides `transports`). */
  transport?: TransportFactory;
  /** While on a fallback transport, how often to try the better ones in the background (0: never). Default 300 000. */
  transportUpgradeMs?: number;
  /** The WebSocket constructor for the default transports. */
  WebSocket?: WebSocketConstructor;
  /** Ping interval; a dead link is found within 1.5 × this. Default 15 000. */
  heartbeatMs?: number;
  /** Time for one connection attempt to reach `ready`. Default 10 000. */
  connectTimeoutMs?: number;
  /**
   * How long a transport that worked here before must keep failing, every attempt dropped or
   * timed out before the server said a word, before the client takes the next one (an HTTP
   * refusal moves on at once). On a flaky network a dropped link is no block. Default 15 000.
   */
  transportGiveUpMs?: number;
  /** Reconnect delays. Default base 500 ms, cap 30 s. */
  backoff?: Partial<BackoffOptions>;
  /** Mark every message handed to the app as delivered. Default true. */
  autoDeliver?: boolean;
  /** Unacked sends on the wire at once. Default 100. */
  maxInFlight?: number;
}

/** The options with the defaults said above filled in, as the connector and delivery take them. */
export function withDefaults(options: ParleyClientOptions): { connector: ConnectorOptions; delivery: DeliveryOptions } {
  const urls = typeof options.baseUrl === 'string' ? [options.baseUrl] : options.baseUrl;
  if (urls.length === 0) throw new TypeError('baseUrl: give at least one server');
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const transports = options.transport ? [options.transport] : (options.transports ?? [webSocketTransport(options.WebSocket), sseTransport(), longPollTransport()]);
  const backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const upgradeMs = options.transportUpgradeMs ?? 300_000;
  const provenGiveUpMs = options.transportGiveUpMs ?? 15_000;
  return {
    connector: { urls, transports, upgradeMs, backoff, heartbeatMs, connectTimeoutMs, provenGiveUpMs, random: Math.random },
    delivery: { autoDeliver: options.autoDeliver ?? true, maxInFlight: options.maxInFlight ?? 100, syncTimeoutMs: Math.max(10_000, 2 * heartbeatMs) },
  };
}

/** Events and what their listeners receive. */
export interface ClientEvents {
  state: ConnectionState;
  /** A link became ready on another transport than the last one (`websocket`, `sse`, `long-polling`). */
  transport: string;
  /** Every message of every chat, own ones included: in seq order per chat, each once, no gaps. */
  message: Message;
  /** An own message sent from this client changed status: sent, delivered, read or failed. */
  status: LocalMessage;
  /** A chat was created, joined or changed (also after each reconnect, for chats that changed). */
  chat: Chat;
  'chat.removed': { chatId: string };
  /** A message already delivered changed (edited, deleted, reactions, hidden for this user): its new state; keep the copy with the higher `changeSeq`. */
  'message.updated': Message;
  receipt: Omit<ReceiptUpdateFrame, 'type'>;
  typing: Omit<TypingUpdateFrame, 'type'>;
  presence: Omit<PresenceFrame, 'type'>;
  /** A contact's, chat peer's or this user's profile changed (display name, avatar, about). */
  profile: Profile;
  /** The session cannot go on (revoked, or refused): state is `offline`; log in again. */
  'session.ended': SessionEnded;
  /** A server error not tied to a send, or a failed store write. */
  error: ParleyError;
}
