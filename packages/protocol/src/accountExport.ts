import { Type, type Static } from '@sinclair/typebox';
import { ContactStatus, Id, MediaKind, MemberRole, MessageType, Privacy, PresenceStatus, Timestamp } from './models.js';

/**
 * `GET /users/me/export`: everything the server holds about the caller, and nothing of anyone
 * else's private data (other users appear by id, username and display name only). The server
 * streams it, so its shape is fixed here for the SDK and the OpenAPI document rather than
 * checked on the way out. `format` changes when a field changes meaning.
 */
export const EXPORT_FORMAT = 'parley-export/1';

const Person = Type.Object({ id: Id, username: Type.String(), displayName: Type.String(), deleted: Type.Optional(Type.Literal(true)) });

export const ExportedUser = Type.Object({
  id: Id,
  username: Type.String(),
  displayName: Type.String(),
  about: Type.Union([Type.String(), Type.Null()]),
  avatarUrl: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  lastSeenAt: Type.Union([Timestamp, Type.Null()]),
  privacy: Privacy,
  chosenStatus: PresenceStatus,
});

export const ExportedDevice = Type.Object({
  name: Type.String(),
  createdAt: Timestamp,
  lastSeenAt: Timestamp,
  /** The device's Web Push subscription, when it has one (push service endpoint, no keys). */
  push: Type.Optional(Type.Object({ endpoint: Type.String(), previews: Type.Boolean(), createdAt: Timestamp })),
});

export const ExportedContact = Type.Object({ user: Person, status: ContactStatus, since: Timestamp });

export const ExportedChat = Type.Object({
  id: Id,
  type: Type.Union([Type.Literal('private'), Type.Literal('group')]),
  name: Type.Union([Type.String(), Type.Null()]),
  role: MemberRole,
  joinedAt: Timestamp,
  deliveredSeq: Type.Integer({ minimum: 0 }),
  readSeq: Type.Integer({ minimum: 0 }),
  /** No pushes for this chat, for the user, at export time. */
  muted: Type.Boolean(),
  members: Type.Array(Person),
});

export const ExportedMessage = Type.Object({
  chatId: Id,
  seq: Type.Integer({ minimum: 1 }),
  id: Id,
  type: MessageType,
  content: Type.String(),
  createdAt: Timestamp,
  editedAt: Type.Union([Timestamp, Type.Null()]),
  deletedAt: Type.Union([Timestamp, Type.Null()]),
  replyTo: Type.Union([Id, Type.Null()]),
  mediaId: Type.Union([Id, Type.Null()]),
  location: Type.Union([Type.Object({ lat: Type.Number(), lng: Type.Number(), name: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
  forwarded: Type.Boolean(),
});

export const ExportedReaction = Type.Object({ chatId: Id, seq: Type.Integer({ minimum: 1 }), emoji: Type.String(), createdAt: Timestamp });

export const ExportedMedia = Type.Object({
  id: Id,
  kind: MediaKind,
  mime: Type.String(),
  size: Type.Integer({ minimum: 0 }),
  sha256: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  width: Type.Union([Type.Integer(), Type.Null()]),
  height: Type.Union([Type.Integer(), Type.Null()]),
  durationMs: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Timestamp,
});

export const AccountExport = Type.Object({
  format: Type.Literal(EXPORT_FORMAT),
  exportedAt: Timestamp,
  user: ExportedUser,
  devices: Type.Array(ExportedDevice),
  contacts: Type.Array(ExportedContact),
  chats: Type.Array(ExportedChat),
  /** Every message the user sent, in every chat (groups they left too), by chat then seq. */
  messages: Type.Array(ExportedMessage),
  reactions: Type.Array(ExportedReaction),
  /** Metadata of the user's uploads; the bytes are served by `GET /media/{id}` while a message holds them. */
  media: Type.Array(ExportedMedia),
});
export type AccountExport = Static<typeof AccountExport>;
