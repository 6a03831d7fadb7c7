import { randomBytes } from 'node:crypto';
import { CLOSE, type ErrorBody, type ServerFrame } from '@parley/protocol';
import type { Caller, Context } from '../context.js';
import { OutgoingFrame } from './OutgoingFrame.js';
import { TokenBucket } from './TokenBucket.js';

export type ConnectionKind = 'websocket' | 'sse' | 'poll';

/** Where a connection's frames go: a WebSocket, an SSE stream, or a long-polling mailbox. */
export interface ConnectionSink {
  readonly kind: ConnectionKind;
  /** Bytes accepted but not yet handed to the network. */
  bufferedBytes(): number;
  isOpen(): boolean;
  /** `out` is shared by every connection the frame goes to: it serialises once per form. */
  write(out: OutgoingFrame): void;
  /** Ends the link with a close code the client sees (close frame, SSE `close` event, poll reply). */
  close(code: number, reason: string): void;
  /** Drops the link without a goodbye. */
  terminate(): void;
}

/** One link to one client, of any kind: its identity once authenticated, its budget, and a guarded send. */
export class Connection {
  caller?: Caller;
  alive = true;
  /**
   * Names this connection in bus events, on any node (and in `POST /ping` for SSE and polling).
   * 128 random bits as one flat string: randomUUID() builds its text as a chain of ~15 joined
   * pieces, about 500 bytes kept for as long as the connection lives.
   */
  readonly key = randomBytes(16).toString('base64url');
  readonly bucket: TokenBucket;
  /** The handling of the last frame this link sent: a link's frames are handled one after another. */
  inbound: Promise<void> = Promise.resolve();
  /** Set from a WebSocket's accept until its auth frame is handled: it closes a link that never authenticates. */
  authTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    readonly sink: ConnectionSink,
    readonly id: number,
    private readonly ctx: Context,
  ) {
    this.bucket = new TokenBucket(ctx.config.wsRatePerSec, ctx.config.wsRateBurst);
  }

  get kind(): ConnectionKind {
    return this.sink.kind;
  }

  get open(): boolean {
    return !this.closed && this.sink.isOpen();
  }

  send(frame: ServerFrame): void {
    this.sendPrepared(new OutgoingFrame(frame));
  }

  /**
   * A client that stops reading must not make the server buffer without bound: past the
   * limit the link is dropped, and the client catches up from its cursor on reconnect.
   */
  sendPrepared(out: OutgoingFrame): void {
    if (this.closed) return;
    if (this.sink.bufferedBytes() > this.ctx.config.maxBufferedBytes) {
      this.ctx.metrics.slowConsumers.inc();
      this.ctx.log.warn({ conn: this.id, kind: this.kind, userId: this.caller?.userId }, 'slow consumer disconnected');
      this.closed = true;
      this.sink.terminate();
      return;
    }
    this.sink.write(out);
  }

  sendError(error: ErrorBody, ref?: string): void {
    this.send(ref === undefined ? { type: 'error', error } : { type: 'error', ref, error });
  }

  close(code: number = CLOSE.normal, reason = ''): void {
    if (this.closed) return;
    this.closed = true;
    this.sink.close(code, reason);
  }
}
