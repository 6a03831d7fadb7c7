import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { CLOSE, type ErrorBody, type ServerFrame } from '@parley/protocol';
import type { Caller, Context } from '../context.js';
import { TokenBucket } from './TokenBucket.js';

/** One WebSocket: its identity once authenticated, its budget, and a guarded send. */
export class Connection {
  caller?: Caller;
  alive = true;
  /** Names this socket in bus events, on any node. */
  readonly key = randomUUID();
  readonly bucket: TokenBucket;
  private closed = false;

  constructor(
    readonly socket: WebSocket,
    readonly id: number,
    private readonly ctx: Context,
  ) {
    this.bucket = new TokenBucket(ctx.config.wsRatePerSec, ctx.config.wsRateBurst);
  }

  send(frame: ServerFrame): void {
    this.sendRaw(JSON.stringify(frame));
  }

  /**
   * A client that stops reading must not make the server buffer without bound: past the
   * limit the socket is dropped, and the client catches up from its cursor on reconnect.
   */
  sendRaw(data: string): void {
    if (this.closed) return;
    if (this.socket.bufferedAmount > this.ctx.config.maxBufferedBytes) {
      this.ctx.metrics.slowConsumers.inc();
      this.ctx.log.warn({ conn: this.id, userId: this.caller?.userId }, 'slow consumer disconnected');
      this.closed = true;
      this.socket.terminate();
      return;
    }
    this.socket.send(data);
  }

  sendError(error: ErrorBody, ref?: string): void {
    this.send(ref === undefined ? { type: 'error', error } : { type: 'error', ref, error });
  }

  close(code: number = CLOSE.normal, reason = ''): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(code, reason);
  }
}
