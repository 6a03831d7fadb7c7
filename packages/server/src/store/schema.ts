import type { Generated, Insertable, Selectable } from 'kysely';

/**
 * The tables, as Kysely sees them. Times are epoch milliseconds (integers), so both
 * SQLite and PostgreSQL compare and index them the same way.
 */
export interface Database {
  users: UsersTable;
  devices: DevicesTable;
  refresh_tokens: RefreshTokensTable;
  contacts: ContactsTable;
  chats: ChatsTable;
  chat_members: ChatMembersTable;
  chat_departures: ChatDeparturesTable;
  messages: MessagesTable;
  settings: SettingsTable;
  receipt_log: ReceiptLogTable;
  media: MediaTable;
  message_reactions: MessageReactionsTable;
  message_hides: MessageHidesTable;
  push_subscriptions: PushSubscriptionsTable;
}

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  avatar_url: string | null;
  about: string | null;
  created_at: number;
  /** When the user was last online to others (last connection closed, or went invisible); null before that. */
  last_seen_at: number | null;
  privacy_online: Generated<'everyone' | 'contacts' | 'nobody'>;
  privacy_last_seen: Generated<'everyone' | 'contacts' | 'nobody'>;
  /** `online` unless the user chose `away` or invisible (`offline`). */
  chosen_status: Generated<'online' | 'away' | 'offline'>;
  /** When the account was deleted: the row stays, erased, so messages keep their sender. */
  deleted_at: Generated<number | null>;
}

/** One row per login session: a device logs in once and refreshes from then on. */
export interface DevicesTable {
  id: string;
  user_id: string;
  name: string;
  created_at: number;
  last_seen_at: number;
}

/** Only hashes are stored; `used_at` set means rotated, and presenting it again is reuse. */
export interface RefreshTokensTable {
  token_hash: string;
  device_id: string;
  expires_at: number;
  used_at: number | null;
  /** The token this one was rotated from; null for a login's first. */
  parent_hash: Generated<string | null>;
}

/** Directional: each side of a relationship has its own row. */
export interface ContactsTable {
  owner_id: string;
  contact_id: string;
  status: 'pending_outgoing' | 'pending_incoming' | 'accepted' | 'blocked';
  created_at: number;
}

export interface ChatsTable {
  id: string;
  type: 'private' | 'group';
  name: string | null;
  /** "smallerId:largerId" for private chats, so a pair can only ever have one. */
  pair_key: string | null;
  /** The seq of the newest message: the next one gets last_seq + 1 in the same transaction. */
  last_seq: number;
  /** Bumped by every edit, deletion, reaction or hide in the chat; the changed row keeps the new value. */
  last_change_seq: Generated<number>;
  created_by: string;
  created_at: number;
}

export interface ChatMembersTable {
  chat_id: string;
  user_id: string;
  role: 'admin' | 'member';
  joined_at: number;
  last_delivered_seq: number;
  last_read_seq: number;
  /** Epoch ms until which no pushes are sent for this chat; MUTED_FOREVER until unmuted; null when not muted. */
  muted_until: Generated<number | null>;
}

/**
 * A group the user left or was removed from (at least once): with their memberships, every chat
 * they may have sent messages in, which is how export and account deletion find those messages
 * (messages/sentMessagePages) without an index led by the sender on `messages`.
 */
export interface ChatDeparturesTable {
  user_id: string;
  chat_id: string;
}

/** Until unmuted: 9999-12-31, so "muted now" is one comparison whatever the kind of mute. */
export const MUTED_FOREVER = 253_402_300_799_999;

/** A device's Web Push subscription (docs/notifications.md). */
export interface PushSubscriptionsTable {
  device_id: string;
  user_id: string;
  endpoint: string;
  /** The browser's P-256 public key and auth secret, base64url, for the payload encryption. */
  p256dh: string;
  auth: string;
  /** 1 when pushes may carry the message text; 0 for "New message" only. */
  previews: Generated<number>;
  created_at: number;
}

export interface MessagesTable {
  id: string;
  chat_id: string;
  seq: number;
  sender_id: string;
  client_msg_id: string | null;
  type: string;
  content: string;
  reply_to: string | null;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
  media_id: Generated<string | null>;
  location_lat: Generated<number | null>;
  location_lng: Generated<number | null>;
  location_name: Generated<string | null>;
  /** 1 when copied from another message by forwarding. */
  forwarded: Generated<number>;
  /** The chat's last_change_seq when this message last changed; 0 if it never did. */
  change_seq: Generated<number>;
}

/** One upload. Uploads of the same bytes share `blob_key` (and the thumbnail): stored once. */
export interface MediaTable {
  id: string;
  uploader_id: string;
  kind: 'image' | 'video' | 'audio' | 'file';
  mime: string;
  /** Bytes of the stored blob (for images: after metadata was stripped). */
  size: number;
  /** Of the bytes as uploaded. */
  sha256: string;
  blob_key: string;
  name: string | null;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  thumb_key: string | null;
  thumb_width: number | null;
  thumb_height: number | null;
  /** A tiny WebP as a data: URL, shown blurred while the thumbnail loads. */
  preview: string | null;
  created_at: number;
}

export interface MessageReactionsTable {
  chat_id: string;
  seq: number;
  user_id: string;
  emoji: string;
  created_at: number;
}

/** "Delete for me": the message stays for everyone else. */
export interface MessageHidesTable {
  chat_id: string;
  seq: number;
  user_id: string;
  change_seq: number;
  created_at: number;
}

export interface SettingsTable {
  key: string;
  value: string;
}

/** One range of seqs a member got ('delivered') or read, and when; small chats only. */
export interface ReceiptLogTable {
  chat_id: string;
  user_id: string;
  kind: 'delivered' | 'read';
  from_seq: number;
  to_seq: number;
  at: number;
}

export type UserRow = Selectable<UsersTable>;
export type ChatRow = Selectable<ChatsTable>;
export type MemberRow = Selectable<ChatMembersTable>;
export type MessageRow = Selectable<MessagesTable>;
export type NewMessageRow = Insertable<MessagesTable>;
export type ContactRow = Selectable<ContactsTable>;
export type DeviceRow = Selectable<DevicesTable>;
export type MediaRow = Selectable<MediaTable>;
// Generated is re-exported for migrations that add defaulted columns later.
export type { Generated };
