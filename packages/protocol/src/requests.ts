import { Type, type Static } from '@sinclair/typebox';
import { LIMITS } from './limits.js';
import { Id, Location, MessageType, Privacy } from './models.js';

/** Request bodies and queries. Both the server's validation and the SDK's types come from here. */

export const Username = Type.String({
  minLength: LIMITS.usernameMin,
  maxLength: LIMITS.usernameMax,
  pattern: LIMITS.usernamePattern,
  description: '3-32 characters of a-z, 0-9, "_" and "."',
});
export const Password = Type.String({ minLength: LIMITS.passwordMin, maxLength: LIMITS.passwordMax });
const DisplayName = Type.String({ minLength: 1, maxLength: LIMITS.displayNameMax });
const DeviceName = Type.String({ minLength: 1, maxLength: LIMITS.deviceNameMax });

export const RegisterBody = Type.Object({
  username: Username,
  password: Password,
  displayName: Type.Optional(DisplayName),
  deviceName: Type.Optional(DeviceName),
});
export type RegisterBody = Static<typeof RegisterBody>;

export const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: LIMITS.usernameMax }),
  password: Type.String({ minLength: 1, maxLength: LIMITS.passwordMax }),
  deviceName: Type.Optional(DeviceName),
});
export type LoginBody = Static<typeof LoginBody>;

export const RefreshBody = Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 256 }) });
export type RefreshBody = Static<typeof RefreshBody>;

export const ProfileUpdateBody = Type.Object({
  displayName: Type.Optional(DisplayName),
  avatarUrl: Type.Optional(Type.Union([Type.String({ maxLength: LIMITS.urlMax, pattern: '^(https?://|/)' }), Type.Null()])),
  about: Type.Optional(Type.Union([Type.String({ maxLength: LIMITS.aboutMax }), Type.Null()])),
});
export type ProfileUpdateBody = Static<typeof ProfileUpdateBody>;

/** Deleting your account asks for your password again; see docs/api.md, "Your data". */
export const DeleteAccountBody = Type.Object({
  password: Type.String({ minLength: 1, maxLength: LIMITS.passwordMax }),
  deleteMessages: Type.Optional(Type.Boolean({ description: 'also delete every message you sent, for everyone; default false' })),
});
export type DeleteAccountBody = Static<typeof DeleteAccountBody>;

export const StatusBody = Type.Object({
  status: Type.Union([Type.Literal('online'), Type.Literal('away'), Type.Literal('offline')]),
});
export type StatusBody = Static<typeof StatusBody>;

export const ContactBody = Type.Object({ userId: Id });
export const PrivateChatBody = Type.Object({ userId: Id });

export const GroupChatBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: LIMITS.groupNameMax }),
  memberIds: Type.Array(Id, { maxItems: 10_000 }),
});
export type GroupChatBody = Static<typeof GroupChatBody>;

export const RenameChatBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: LIMITS.groupNameMax }) });
export const AddMembersBody = Type.Object({ userIds: Type.Array(Id, { minItems: 1, maxItems: 10_000 }) });
export const RoleBody = Type.Object({ role: Type.Union([Type.Literal('admin'), Type.Literal('member')]) });

export const ClientMsgId = Type.String({ minLength: 1, maxLength: LIMITS.clientMsgIdMax });

/**
 * The part of a message the client chooses; the server adds id, seq, sender and times.
 * `text` needs non-blank `content`; `image`, `video`, `audio` and `file` need `media` (an
 * upload of yours of a fitting kind) and take `content` as an optional caption (""); `location`
 * needs `location`. The server checks what the schema cannot (checkMessageInput, appendMessages).
 */
export const MessageInput = Type.Object({
  type: MessageType,
  content: Type.String({ description: `the text, or a caption ("" for none); at most ${LIMITS.messageTextMaxBytes} bytes of UTF-8` }),
  replyTo: Type.Optional(Id),
  media: Type.Optional(Type.Object({ id: Id })),
  location: Type.Optional(Location),
});
export type MessageInput = Static<typeof MessageInput>;

export const EditMessageBody = Type.Object({
  content: Type.String({ description: `the new text; at most ${LIMITS.messageTextMaxBytes} bytes of UTF-8` }),
});
export type EditMessageBody = Static<typeof EditMessageBody>;

/** `everyone` leaves a tombstone for all members; `me` hides it on all of the caller's devices. */
export const DeleteMessageQuery = Type.Object({
  for: Type.Union([Type.Literal('everyone'), Type.Literal('me')]),
});
export type DeleteMessageQuery = Static<typeof DeleteMessageQuery>;

export const ReactionBody = Type.Object({ emoji: Type.String({ minLength: 1, maxLength: LIMITS.reactionMaxBytes }) });
export type ReactionBody = Static<typeof ReactionBody>;

export const ForwardBody = Type.Object({ toChatId: Id, clientMsgId: Type.Optional(ClientMsgId) });
export type ForwardBody = Static<typeof ForwardBody>;

export const SearchQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: LIMITS.searchQueryMax }),
  chatId: Type.Optional(Id),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.searchPageMax })),
  /** The `nextCursor` of the previous page. */
  cursor: Type.Optional(Type.String({ maxLength: 64 })),
});
export type SearchQuery = Static<typeof SearchQuery>;

export const SendMessageBody = Type.Composite([
  Type.Object({ clientMsgId: Type.Optional(ClientMsgId) }),
  MessageInput,
]);
export type SendMessageBody = Static<typeof SendMessageBody>;

export const HistoryQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.historyPageMax })),
  before: Type.Optional(Type.Integer({ minimum: 1 })),
  after: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type HistoryQuery = Static<typeof HistoryQuery>;

/** Marks everything up to `seq` read (or delivered); a lower seq than already recorded is a no-op. */
export const SeqBody = Type.Object({ seq: Type.Integer({ minimum: 0 }) });
export type SeqBody = Static<typeof SeqBody>;

export const PrivacyBody = Type.Partial(Privacy);
export type PrivacyBody = Static<typeof PrivacyBody>;

/** A browser's PushSubscription (its `toJSON()`), for the calling device. */
export const PushSubscriptionBody = Type.Object({
  endpoint: Type.String({ minLength: 1, maxLength: LIMITS.urlMax, pattern: '^https?://' }),
  keys: Type.Object({
    /** An uncompressed P-256 point: 65 bytes, 87 characters of base64url. */
    p256dh: Type.String({ pattern: '^[A-Za-z0-9_-]{86,88}={0,2}$' }),
    /** 16 bytes: 22 characters of base64url. */
    auth: Type.String({ pattern: '^[A-Za-z0-9_-]{22,24}={0,2}$' }),
  }),
  expirationTime: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  previews: Type.Optional(Type.Boolean({ description: 'message text in pushes; default true' })),
});
export type PushSubscriptionBody = Static<typeof PushSubscriptionBody>;

/** No `until`: muted until unmuted. */
export const MuteBody = Type.Object({ until: Type.Optional(Type.String({ format: 'date-time' })) });
export type MuteBody = Static<typeof MuteBody>;
