import { Type, type Static } from '@sinclair/typebox';
import { LIMITS } from './limits.js';

/** Shapes the server sends. Presenters on the server build exactly these. */

export const Id = Type.String({ minLength: 1, maxLength: LIMITS.idMax });
export const Timestamp = Type.String({ format: 'date-time', description: 'ISO-8601 UTC' });

export const User = Type.Object({
  id: Id,
  username: Type.String(),
  displayName: Type.String(),
});
export type User = Static<typeof User>;

export const Profile = Type.Object({
  id: Id,
  username: Type.String(),
  displayName: Type.String(),
  avatarUrl: Type.Optional(Type.String()),
  about: Type.Optional(Type.String()),
  createdAt: Timestamp,
});
export type Profile = Static<typeof Profile>;

export const MessageType = Type.Union([Type.Literal('text')]);
export type MessageType = Static<typeof MessageType>;

export const Message = Type.Object({
  id: Id,
  chatId: Id,
  seq: Type.Integer({ minimum: 1 }),
  senderId: Id,
  clientMsgId: Type.Optional(Type.String()),
  type: MessageType,
  content: Type.String(),
  replyTo: Type.Optional(Id),
  createdAt: Timestamp,
  editedAt: Type.Optional(Timestamp),
  deletedAt: Type.Optional(Timestamp),
});
export type Message = Static<typeof Message>;

export const MemberRole = Type.Union([Type.Literal('admin'), Type.Literal('member')]);
export type MemberRole = Static<typeof MemberRole>;

export const ChatMember = Type.Object({
  userId: Id,
  username: Type.String(),
  displayName: Type.String(),
  role: MemberRole,
  joinedAt: Timestamp,
  /** Highest seq delivered to / read by this member on any device; omitted in large groups. */
  deliveredSeq: Type.Optional(Type.Integer({ minimum: 0 })),
  readSeq: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type ChatMember = Static<typeof ChatMember>;

export const Chat = Type.Object({
  id: Id,
  type: Type.Union([Type.Literal('private'), Type.Literal('group')]),
  name: Type.Optional(Type.String()),
  members: Type.Array(ChatMember),
  lastSeq: Type.Integer({ minimum: 0, description: 'seq of the newest message, 0 when empty' }),
  lastMessage: Type.Optional(Message),
  unreadCount: Type.Integer({ minimum: 0 }),
  createdAt: Timestamp,
});
export type Chat = Static<typeof Chat>;

export const ContactStatus = Type.Union([
  Type.Literal('pending_outgoing'),
  Type.Literal('pending_incoming'),
  Type.Literal('accepted'),
  Type.Literal('blocked'),
]);
export type ContactStatus = Static<typeof ContactStatus>;

export const Contact = Type.Object({
  user: User,
  status: ContactStatus,
  since: Timestamp,
});
export type Contact = Static<typeof Contact>;

export const Device = Type.Object({
  id: Id,
  name: Type.String(),
  createdAt: Timestamp,
  lastSeenAt: Timestamp,
  current: Type.Boolean(),
});
export type Device = Static<typeof Device>;

export const PresenceStatus = Type.Union([Type.Literal('online'), Type.Literal('away'), Type.Literal('offline')]);
export type PresenceStatus = Static<typeof PresenceStatus>;

/** What one viewer may see of a user's presence (filtered by that user's privacy settings). */
export const Presence = Type.Object({
  userId: Id,
  status: PresenceStatus,
  lastSeen: Type.Optional(Timestamp),
});
export type Presence = Static<typeof Presence>;

export const Visibility = Type.Union([Type.Literal('everyone'), Type.Literal('contacts'), Type.Literal('nobody')]);
export type Visibility = Static<typeof Visibility>;

export const Privacy = Type.Object({ online: Visibility, lastSeen: Visibility });
export type Privacy = Static<typeof Privacy>;

export const ReceiptEntry = Type.Object({ userId: Id, at: Timestamp });

/** Who has a message: counts always, names and times only in chats up to the detail limit. */
export const MessageReceipts = Type.Object({
  messageId: Id,
  seq: Type.Integer({ minimum: 1 }),
  /** Members other than the sender. */
  recipientCount: Type.Integer({ minimum: 0 }),
  deliveredCount: Type.Integer({ minimum: 0 }),
  readCount: Type.Integer({ minimum: 0 }),
  deliveredTo: Type.Optional(Type.Array(ReceiptEntry)),
  readBy: Type.Optional(Type.Array(ReceiptEntry)),
});
export type MessageReceipts = Static<typeof MessageReceipts>;

/** A member's marks in one chat after a receipt: the answer to `POST /chats/{id}/read` and `/delivered`. */
export const ReceiptCursors = Type.Object({
  deliveredSeq: Type.Integer({ minimum: 0 }),
  readSeq: Type.Integer({ minimum: 0 }),
  unreadCount: Type.Integer({ minimum: 0 }),
});
export type ReceiptCursors = Static<typeof ReceiptCursors>;
