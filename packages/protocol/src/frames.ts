import { Type, type Static } from '@sinclair/typebox';
import { LIMITS } from './limits.js';
import { Chat, Id, Message, type Profile } from './models.js';
import { ClientMsgId, MessageInput } from './requests.js';
import type { ErrorBody } from './errors.js';

/** WebSocket frames, client to server. Each is validated against its schema by `type`. */

export const AuthFrame = Type.Object({ type: Type.Literal('auth'), token: Type.String({ maxLength: 4096 }) });
export const SendFrame = Type.Object({
  type: Type.Literal('send'),
  clientMsgId: ClientMsgId,
  chatId: Id,
  message: MessageInput,
});
/**
 * Catch-up: "I have every message of these chats up to `seq`". The server answers with one
 * `synced` frame holding, for every chat the user is in, the messages after the cursor
 * (chats absent from `cursors` start at 0), at most `limit` per chat, oldest first.
 */
export const SyncFrame = Type.Object({
  type: Type.Literal('sync'),
  cursors: Type.Record(Id, Type.Integer({ minimum: 0 }), { maxProperties: 100_000 }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.syncPageMax })),
  /**
   * Also catch up on edits, deletions, reactions and hides: chat id → the `changeSeq` the client
   * is current to (absent chats count as 0). Each synced chat then carries `updates` and `changeSeq`.
   */
  changes: Type.Optional(Type.Record(Id, Type.Integer({ minimum: 0 }), { maxProperties: 100_000 })),
});
export const PingFrame = Type.Object({ type: Type.Literal('ping') });
/** "This device has (or has read) every message of the chat up to `seq`." */
export const ReceiptFrame = Type.Object({
  type: Type.Literal('receipt'),
  chatId: Id,
  seq: Type.Integer({ minimum: 0 }),
  status: Type.Union([Type.Literal('delivered'), Type.Literal('read')]),
});
export const TypingFrame = Type.Object({
  type: Type.Literal('typing'),
  chatId: Id,
  state: Type.Union([Type.Literal('start'), Type.Literal('stop')]),
});

export const CLIENT_FRAMES = {
  auth: AuthFrame,
  send: SendFrame,
  sync: SyncFrame,
  ping: PingFrame,
  receipt: ReceiptFrame,
  typing: TypingFrame,
} as const;

export type AuthFrame = Static<typeof AuthFrame>;
export type SendFrame = Static<typeof SendFrame>;
export type SyncFrame = Static<typeof SyncFrame>;
export type PingFrame = Static<typeof PingFrame>;
export type ReceiptFrame = Static<typeof ReceiptFrame>;
export type TypingFrame = Static<typeof TypingFrame>;
export type ClientFrame = AuthFrame | SendFrame | SyncFrame | PingFrame | ReceiptFrame | TypingFrame;
export type ClientFrameType = keyof typeof CLIENT_FRAMES;

/** Server to client. */
export interface ReadyFrame {
  type: 'ready';
  userId: string;
  deviceId: string;
  protocol: number;
  /** SSE and long polling only: names the link in `POST /ping`. */
  connectionId?: string;
}
export interface AckFrame { type: 'ack'; clientMsgId: string; message: Message }
export interface MessageFrame { type: 'message'; message: Message }
/** A stored message changed (edited, deleted, reacted to, or hidden for you): its new state. */
export interface MessageUpdatedFrame { type: 'message.updated'; message: Message }
export interface ErrorFrame { type: 'error'; ref?: string; error: ErrorBody }
export interface PongFrame { type: 'pong' }
export interface SyncedChat {
  chatId: string;
  messages: Message[];
  hasMore: boolean;
  /** With `changes` in the sync: messages up to the cursor that changed since the client's changeSeq, oldest change first. */
  updates?: Message[];
  /** With `changes` in the sync: the changeSeq the client is current to once it applied `updates`. */
  changeSeq?: number;
}
export interface SyncedFrame { type: 'synced'; chats: SyncedChat[] }
/** A chat the user was added to, or whose name or members changed. */
export interface ChatFrame { type: 'chat'; chat: Chat }
/** The user left or was removed from a chat. */
export interface ChatRemovedFrame { type: 'chat.removed'; chatId: string }
/** A member's delivered/read cursors moved. `unreadCount` only in frames to that member's own devices. */
export interface ReceiptUpdateFrame {
  type: 'receipt';
  chatId: string;
  userId: string;
  deliveredSeq: number;
  readSeq: number;
  unreadCount?: number;
}
export interface TypingUpdateFrame { type: 'typing'; chatId: string; userId: string; state: 'start' | 'stop' }
export interface PresenceFrame { type: 'presence'; userId: string; status: 'online' | 'away' | 'offline'; lastSeen?: string }
/** A contact's or chat peer's profile changed (display name, avatar, about); also to the user's own devices. */
export interface ProfileFrame { type: 'profile'; profile: Profile }

export type ServerFrame =
  | ReadyFrame | AckFrame | MessageFrame | ErrorFrame | PongFrame | SyncedFrame | ChatFrame | ChatRemovedFrame
  | ReceiptUpdateFrame | TypingUpdateFrame | PresenceFrame | MessageUpdatedFrame | ProfileFrame;
