import { Type, type Static } from '@sinclair/typebox';
import { LIMITS } from './limits.js';

/** Shapes the server sends. Presenters on the server build exactly these. */

export const Id = Type.String({ minLength: 1, maxLength: LIMITS.idMax });
export const Timestamp = Type.String({ format: 'date-time', description: 'ISO-8601 UTC' });

export const User = Type.Object({
  id: Id,
  username: Type.String(),
  displayName: Type.String(),
  /** The account was deleted: the name is a tombstone and nothing can be sent to it. */
  deleted: Type.Optional(Type.Literal(true)),
});
export type User = Static<typeof User>;

export const Profile = Type.Object({
  id: Id,
  username: Type.String(),
  displayName: Type.String(),
  avatarUrl: Type.Optional(Type.String()),
  about: Type.Optional(Type.String()),
  createdAt: Timestamp,
  deleted: Type.Optional(Type.Literal(true)),
});
export type Profile = Static<typeof Profile>;

export const MessageType = Type.Union([
  Type.Literal('text'),
  Type.Literal('image'),
  Type.Literal('video'),
  /** A voice note or other sound. */
  Type.Literal('audio'),
  Type.Literal('file'),
  Type.Literal('location'),
]);
export type MessageType = Static<typeof MessageType>;

/** What an upload is, from its sniffed bytes; a message's type must fit it (see docs/media.md). */
export const MediaKind = Type.Union([Type.Literal('image'), Type.Literal('video'), Type.Literal('audio'), Type.Literal('file')]);
export type MediaKind = Static<typeof MediaKind>;

/**
 * An uploaded file as one authorised viewer sees it. `url` and `thumbUrl` are signed and stop
 * working at `urlExpiresAt`; `GET /media/{id}` hands out fresh ones.
 */
export const MediaFile = Type.Object({
  id: Id,
  kind: MediaKind,
  /** Sniffed from the bytes, never the client's claim. */
  mime: Type.String(),
  size: Type.Integer({ minimum: 0 }),
  /** SHA-256 (hex) of the uploaded bytes: the same bytes are stored once. */
  sha256: Type.String(),
  name: Type.Optional(Type.String()),
  width: Type.Optional(Type.Integer({ minimum: 1 })),
  height: Type.Optional(Type.Integer({ minimum: 1 })),
  durationMs: Type.Optional(Type.Integer({ minimum: 0 })),
  url: Type.String(),
  /** A small WebP (images; a poster frame for videos when the server has ffmpeg). */
  thumbUrl: Type.Optional(Type.String()),
  thumbWidth: Type.Optional(Type.Integer({ minimum: 1 })),
  thumbHeight: Type.Optional(Type.Integer({ minimum: 1 })),
  /** A blurred stand-in to show while the thumbnail loads: a `data:image/webp;base64,…` URL of at most 16 px. */
  preview: Type.Optional(Type.String()),
  urlExpiresAt: Timestamp,
  createdAt: Timestamp,
});
export type MediaFile = Static<typeof MediaFile>;

export const Location = Type.Object({
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lng: Type.Number({ minimum: -180, maximum: 180 }),
  name: Type.Optional(Type.String({ maxLength: LIMITS.locationNameMax })),
});
export type Location = Static<typeof Location>;

/** What a reply shows of the message it answers, as that message is now. */
export const Quote = Type.Object({
  messageId: Id,
  senderId: Id,
  type: MessageType,
  /** The start of its text or caption (or a location's name); empty once it is deleted, or hidden. */
  snippet: Type.String(),
  deleted: Type.Optional(Type.Literal(true)),
  /**
   * The viewer deleted it for themselves. Set where messages are read for one viewer (history,
   * one message, sync, search); a live `message.new` frame is the same for every member, so it
   * leaves this out and a client goes by what it knows of its own hides.
   */
  hidden: Type.Optional(Type.Literal(true)),
});
export type Quote = Static<typeof Quote>;

/** One emoji on a message and who chose it; each user has at most one per message. */
export const Reaction = Type.Object({
  emoji: Type.String(),
  count: Type.Integer({ minimum: 1 }),
  userIds: Type.Array(Id),
});
export type Reaction = Static<typeof Reaction>;

export const Message = Type.Object({
  id: Id,
  chatId: Id,
  seq: Type.Integer({ minimum: 1 }),
  senderId: Id,
  clientMsgId: Type.Optional(Type.String()),
  type: MessageType,
  /** The text of a text message; the caption (possibly empty) of any other type. */
  content: Type.String(),
  replyTo: Type.Optional(Id),
  createdAt: Timestamp,
  editedAt: Type.Optional(Timestamp),
  deletedAt: Type.Optional(Timestamp),
  media: Type.Optional(MediaFile),
  location: Type.Optional(Location),
  quote: Type.Optional(Quote),
  reactions: Type.Optional(Type.Array(Reaction)),
  forwarded: Type.Optional(Type.Literal(true)),
  /** Deleted for this user only ("delete for me"): show nothing; the seq stays so there is no gap. */
  hidden: Type.Optional(Type.Literal(true)),
  /**
   * The chat's change counter at this message's latest edit, deletion, reaction (or, for the one
   * user, hiding); absent if it never changed. Of two copies of a message keep the higher.
   */
  changeSeq: Type.Optional(Type.Integer({ minimum: 1 })),
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
  /** This member deleted their account (private chats keep them, as a tombstone). */
  deleted: Type.Optional(Type.Literal(true)),
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
  muted: Type.Boolean({ description: 'no pushes for this chat, for the caller' }),
  mutedUntil: Type.Optional(Type.String({ format: 'date-time', description: 'when a timed mute ends; absent when muted until unmuted' })),
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

/** One search hit: the message, and where the query's words are in its `content` (UTF-16 offsets, end exclusive). */
export const SearchHit = Type.Object({
  message: Message,
  highlights: Type.Array(Type.Object({ start: Type.Integer({ minimum: 0 }), end: Type.Integer({ minimum: 0 }) })),
});
export type SearchHit = Static<typeof SearchHit>;

/** The application server key a browser subscribes with (`pushManager.subscribe`). */
export const PushConfig = Type.Object({ publicKey: Type.String({ description: 'VAPID public key, base64url' }) });
export type PushConfig = Static<typeof PushConfig>;

export const PushSubscription = Type.Object({
  endpoint: Type.String(),
  previews: Type.Boolean(),
  createdAt: Timestamp,
});
export type PushSubscription = Static<typeof PushSubscription>;

const PushChat = {
  chatId: Id,
  chatType: Type.Union([Type.Literal('private'), Type.Literal('group')]),
  chatName: Type.Optional(Type.String()),
};

/** New messages in a chat. */
export const MessagePushPayload = Type.Object({
  type: Type.Literal('message'),
  ...PushChat,
  messageId: Id,
  seq: Type.Integer({ minimum: 1 }),
  sender: Type.Object({ id: Id, displayName: Type.String() }),
  /** The text, shortened, or a label for media and locations; absent when the device asked for no previews. */
  preview: Type.Optional(Type.String()),
  /** Messages in this chat this push stands for (the newest is the one described). */
  count: Type.Integer({ minimum: 1 }),
});
export type MessagePushPayload = Static<typeof MessagePushPayload>;

/** Someone reacted to one of the recipient's messages. */
export const ReactionPushPayload = Type.Object({
  type: Type.Literal('reaction'),
  ...PushChat,
  /** The message reacted to (the recipient's own). */
  messageId: Id,
  seq: Type.Integer({ minimum: 1 }),
  /** Who reacted. */
  sender: Type.Object({ id: Id, displayName: Type.String() }),
  emoji: Type.String(),
  /** The reacted message, as `preview` of a message push; absent when the device asked for no previews. */
  preview: Type.Optional(Type.String()),
});
export type ReactionPushPayload = Static<typeof ReactionPushPayload>;

/** What a push carries (encrypted for the device, RFC 8291), told apart by `type`; see docs/notifications.md. */
export const PushPayload = Type.Union([MessagePushPayload, ReactionPushPayload]);
export type PushPayload = Static<typeof PushPayload>;
