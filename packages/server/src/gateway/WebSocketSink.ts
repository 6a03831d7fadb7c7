import type { WebSocket } from 'ws';
import type { ConnectionSink } from './Connection.js';

/** A connection over a WebSocket. */
export class WebSocketSink implements ConnectionSink {
  readonly kind = 'websocket';

  constructor(readonly socket: WebSocket) {}

  bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  isOpen(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  write(data: string): void {
    this.socket.send(data);
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  terminate(): void {
    this.socket.terminate();
  }
}
