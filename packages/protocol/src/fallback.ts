import { Type, type Static } from '@sinclair/typebox';
import { LIMITS } from './limits.js';
import { Id, Message } from './models.js';
import type { ServerFrame } from './frames.js';

/**
 * The fallback transports for networks that block WebSockets: Server-Sent Events
 * (`GET /api/v1/events`) or long polling (`POST /api/v1/poll`) for server frames, and REST
 * for what the client would send as frames. The frames are the WebSocket's; see docs/api.md.
 */

export const EVENTS_PATH = '/api/v1/events';

/** chat id → the highest seq the client holds, as in the `sync` frame. */
export const Cursors = Type.Record(Id, Type.Integer({ minimum: 0 }), { maxProperties: 100_000 });
const SyncLimit = Type.Integer({ minimum: 1, maximum: LIMITS.syncPageMax });

const SyncedChatSchema = Type.Object({
  chatId: Id,
  messages: Type.Array(Message),
  hasMore: Type.Boolean(),
  updates: Type.Optional(Type.Array(Message)),
  changeSeq: Type.Optional(Type.Integer({ minimum: 0 })),
});

/** `POST /sync`: the `sync` frame over REST; the answer is the `synced` frame's `chats`. */
export const SyncBody = Type.Object({ cursors: Cursors, limit: Type.Optional(SyncLimit), changes: Type.Optional(Cursors) });
export type SyncBody = Static<typeof SyncBody>;
export const SyncReply = Type.Object({ chats: Type.Array(SyncedChatSchema) });

/** `POST /ping`: a `pong` frame follows on that SSE stream or poll mailbox. */
export const PingBody = Type.Object({ connectionId: Id });
export type PingBody = Static<typeof PingBody>;

/** `POST /chats/{id}/typing`: the `typing` frame over REST. */
export const TypingBody = Type.Object({ state: Type.Union([Type.Literal('start'), Type.Literal('stop')]) });
export type TypingBody = Static<typeof TypingBody>;

export const PollBody = Type.Object({
  /** Without cursors the poll carries events only. */
  cursors: Type.Optional(Cursors),
  limit: Type.Optional(SyncLimit),
  /** As in `sync`: also catch up on changes to messages already held. */
  changes: Type.Optional(Cursors),
  /** The `after` of the previous reply; left out to start a new link (the reply opens with `ready`). */
  after: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  /** How long to hold the request when there is nothing to say; capped by the server (`POLL_HOLD_MS`). */
  timeoutMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 120_000 })),
});
export type PollBody = Static<typeof PollBody>;

/** A server frame as the WebSocket would carry it. */
const AnyFrame = Type.Object({ type: Type.String() }, { additionalProperties: true, description: 'a server frame, as on the WebSocket' });
const CloseInfo = Type.Object({ code: Type.Integer(), reason: Type.String() });

export const PollReply = Type.Object({
  /** Pass it back as `after` in the next poll. */
  after: Type.String(),
  /** Frames other than `message`, oldest first (`ready` first on a new link). */
  events: Type.Array(AnyFrame),
  /** Messages past `cursors`, as in `synced`. */
  chats: Type.Array(SyncedChatSchema),
  /** Events since `after` were lost (the mailbox expired or overflowed): start over (reconnect). */
  reset: Type.Optional(Type.Literal(true)),
  /** The link is closed with this code, as a WebSocket would be (4003 revoked, 4503 restarting). */
  close: Type.Optional(CloseInfo),
});
export type PollReply = Omit<Static<typeof PollReply>, 'events'> & { events: ServerFrame[] };

/** The data of the SSE `close` event, sent just before the server ends a stream. */
export type StreamClose = Static<typeof CloseInfo>;
