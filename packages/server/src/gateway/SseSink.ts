import type { ServerResponse } from 'node:http';
import type { StreamClose } from '@parley/protocol';
import type { ConnectionSink } from './Connection.js';
import type { OutgoingFrame } from './OutgoingFrame.js';

/**
 * A connection over a Server-Sent Events response: each frame is one `data:` line (JSON never
 * holds a raw line break), and a close code goes out as a `close` event before the stream ends.
 */
export class SseSink implements ConnectionSink {
  readonly kind = 'sse';

  constructor(private readonly res: ServerResponse) {}

  bufferedBytes(): number {
    return this.res.writableLength + (this.res.socket?.writableLength ?? 0);
  }

  isOpen(): boolean {
    return !this.res.writableEnded && !this.res.destroyed;
  }

  write(out: OutgoingFrame): void {
    this.res.write(`data: ${out.json}\n\n`);
  }

  /** Keeps proxies from timing out an idle stream; clients ignore comments. */
  comment(text: string): void {
    if (this.isOpen()) this.res.write(`: ${text}\n\n`);
  }

  close(code: number, reason: string): void {
    if (!this.isOpen()) return;
    const close: StreamClose = { code, reason };
    this.res.end(`event: close\ndata: ${JSON.stringify(close)}\n\n`);
  }

  terminate(): void {
    this.res.destroy();
  }
}
