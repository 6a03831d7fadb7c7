import type { AuthFrame, ClientFrame, ServerFrame } from '@parley/protocol';

/** Frames the client sends once the link is ready; authenticating is the transport's job. */
export type OutgoingFrame = Exclude<ClientFrame, AuthFrame>;

export interface TransportHandlers {
  /** Server frames in order: `ready` first (or an `error` followed by `close`), then the rest. */
  frame(frame: ServerFrame): void;
  /** The link is gone: a WebSocket close code, or 1006 when it failed or dropped. Called at most once. */
  close(code: number, reason: string): void;
}

export interface TransportOptions {
  /** The server's origin, e.g. `https://chat.example.com`. */
  baseUrl: string;
  accessToken: string;
}

/**
 * One authenticated link to a server. The client never talks to a socket, only to this, so a
 * transport over Server-Sent Events plus REST, or over long polling, can stand in for the
 * WebSocket as long as it carries the same frames: `ready` once authenticated, `ack` or `error`
 * (with `ref`) for each `send`, `synced` for each `sync`, `pong` for each `ping`, and the live
 * frames (`message`, `chat`, `receipt`, ...) as they happen.
 */
export interface Transport {
  /** Only called after `ready`. A frame that cannot go out is lost; the client resends what matters. */
  send(frame: OutgoingFrame): void;
  /** Ends the link at once. No handler is called after this. */
  close(): void;
}

/** Opens a new link; called for every connection attempt. */
export type TransportFactory = (options: TransportOptions, handlers: TransportHandlers) => Transport;
