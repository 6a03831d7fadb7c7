import type { AuthFrame, ClientFrame, ServerFrame } from '@parley/protocol';
import type { RequestOptions } from '../http.js';

/** Frames the client sends once the link is ready; authenticating is the transport's job. */
export type OutgoingFrame = Exclude<ClientFrame, AuthFrame>;

export interface TransportHandlers {
  /** Server frames in order: `ready` first (or an `error` followed by `close`), then the rest. */
  frame(frame: ServerFrame): void;
  /**
   * The link is gone: a WebSocket close code, or 1006 when it failed or dropped. Called at most
   * once. `refused` when something answered but would not carry this transport (an HTTP error
   * instead of an upgrade or an event stream): the client then moves on to the next transport.
   */
  close(code: number, reason: string, refused?: boolean): void;
}

/**
 * An authenticated call under /api/v1 of the link's server, as the client makes them: an
 * expired token is refreshed and the call repeated once; errors are thrown as `ParleyError`.
 */
export type RestCall = <T>(method: string, path: string, body?: unknown, options?: RequestOptions) => Promise<T>;

export interface TransportOptions {
  /** The server's origin, e.g. `https://chat.example.com`. */
  baseUrl: string;
  accessToken: string;
  /** For transports that carry the client's frames over REST (SSE, long polling). */
  request?: RestCall;
}

/**
 * One authenticated link to a server. The client never talks to a socket, only to this, so a
 * transport over Server-Sent Events plus REST, or over long polling, stands in for the
 * WebSocket by carrying the same frames: `ready` once authenticated, `ack` or `error` (with
 * `ref`) for each `send`, `synced` for each `sync`, `pong` for each `ping`, and the live
 * frames (`message`, `chat`, `receipt`, ...) as they happen.
 */
export interface Transport {
  /** Only called after `ready`. A frame that cannot go out is lost; the client resends what matters. */
  send(frame: OutgoingFrame): void;
  /** Ends the link at once. No handler is called after this. */
  close(): void;
}

/** Opens a new link; called for every connection attempt. */
export interface TransportFactory {
  (options: TransportOptions, handlers: TransportHandlers): Transport;
  /** What `client.transport` reports while this one carries the link (`websocket`, `sse`, `long-polling`). */
  readonly transportName?: string;
}

/** Gives a factory the name the client reports while it is in use. */
export function namedTransport(name: string, factory: (options: TransportOptions, handlers: TransportHandlers) => Transport): TransportFactory {
  return Object.assign(factory, { transportName: name });
}
