import type { OutgoingFrame } from './transport/Transport.js';

/** The server stops an indicator not refreshed within TYPING_TTL_MS (5 s by default): this keeps it on while the user types. */
const REFRESH_MS = 3000;

/** This device's typing indicators: a `start` per chat at most every 3 s, a `stop` only after a `start`. */
export class TypingSignals {
  /** When each chat's last `start` went out. */
  private readonly sent = new Map<string, number>();

  /** `send` returns false when no link is ready: nothing went out, so nothing is remembered. */
  constructor(private readonly send: (frame: OutgoingFrame) => boolean) {}

  start(chatId: string): void {
    const last = this.sent.get(chatId);
    if (last !== undefined && Date.now() - last < REFRESH_MS) return;
    if (this.send({ type: 'typing', chatId, state: 'start' })) this.sent.set(chatId, Date.now());
  }

  stop(chatId: string): void {
    if (this.sent.delete(chatId)) this.send({ type: 'typing', chatId, state: 'stop' });
  }

  /** The link is gone: the next `start` goes out at once, on the next link. */
  linkDown(): void {
    this.sent.clear();
  }
}
