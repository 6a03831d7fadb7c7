import type { ReceiptFrame } from '@parley/protocol';

const FLUSH_MS = 200;

/**
 * This user's delivered/read marks on their way to the server: the highest seq per chat,
 * coalesced for a moment so a burst of messages costs one `receipt` frame. The server keeps
 * cursors that only move forward and reading implies delivery, so a mark is idempotent: after
 * a reconnect everything marked in this run is sent again rather than tracking what was lost.
 */
export class ReceiptMarks {
  private readonly wanted = new Map<string, { delivered: number; read: number }>();
  private readonly sent = new Map<string, { delivered: number; read: number }>();
  private timer?: ReturnType<typeof setTimeout>;

  /** `send` returns false when there is no ready link; the marks then wait for `linkUp`. */
  constructor(private readonly send: (frame: ReceiptFrame) => boolean) {}

  mark(chatId: string, seq: number, status: ReceiptFrame['status']): void {
    const w = this.wanted.get(chatId) ?? { delivered: 0, read: 0 };
    if (status === 'read') w.read = Math.max(w.read, seq);
    w.delivered = Math.max(w.delivered, w.read, status === 'delivered' ? seq : 0);
    this.wanted.set(chatId, w);
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  linkUp(): void {
    this.sent.clear();
    this.flush();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flush(): void {
    this.stop();
    for (const [chatId, w] of this.wanted) {
      const s = this.sent.get(chatId) ?? { delivered: 0, read: 0 };
      let ok = true;
      if (w.read > s.read) ok = this.send({ type: 'receipt', chatId, seq: w.read, status: 'read' });
      else if (w.delivered > s.delivered) ok = this.send({ type: 'receipt', chatId, seq: w.delivered, status: 'delivered' });
      if (!ok) return;
      this.sent.set(chatId, { ...w });
    }
  }
}
