import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { ConnectionSink } from './Connection.js';
import type { OutgoingFrame } from './OutgoingFrame.js';
import { corkedWrite } from './corkedWrite.js';

/**
 * A connection over a WebSocket. Frames out are written as ready-made bytes straight to the
 * socket the upgrade came in on (see OutgoingFrame); `ws` reads, pings and closes. Both write
 * to the same stream in call order, and without permessage-deflate `ws` never holds a frame back.
 */
export class WebSocketSink implements ConnectionSink {
  readonly kind = 'websocket';

  constructor(
    readonly socket: WebSocket,
    private readonly stream: Duplex,
  ) {}

  bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  write(out: OutgoingFrame): void {
    if (this.isOpen()) corkedWrite(this.stream, out.webSocketBytes);
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  terminate(): void {
    this.socket.terminate();
  }
}
