import type { Message } from '@parley/protocol';

/**
 * Hands messages to the app in seq order per chat, each once, with no gaps. A chat's cursor
 * is the highest seq up to which every message was handed over; a message at or below it is
 * a duplicate (a resend's ack, a sync overlapping a live frame) and is dropped; one past
 * `cursor + 1` waits here until the messages before it arrive.
 */
export class Timeline {
  private readonly cursors = new Map<string, number>();
  private readonly held = new Map<string, Map<number, Message>>();

  constructor(
    private readonly deliver: (message: Message) => void,
    private readonly saveCursor: (chatId: string, seq: number) => void,
  ) {}

  restore(cursors: Record<string, number>): void {
    for (const [chatId, seq] of Object.entries(cursors)) this.cursors.set(chatId, Math.max(seq, this.cursor(chatId)));
  }

  cursor(chatId: string): number {
    return this.cursors.get(chatId) ?? 0;
  }

  /** Every known cursor, for a `sync` frame. Chats missing here start at 0 on the server. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.cursors);
  }

  /** Takes messages of one chat from any source, in any order. */
  accept(chatId: string, messages: Message[]): void {
    const before = this.cursor(chatId);
    let cursor = before;
    let held = this.held.get(chatId);
    for (const message of messages) {
      if (message.seq <= cursor || held?.has(message.seq)) continue;
      if (!held) this.held.set(chatId, (held = new Map()));
      held.set(message.seq, message);
    }
    for (let next = held?.get(cursor + 1); next; next = held!.get(cursor + 1)) {
      held!.delete(++cursor);
      this.cursors.set(chatId, cursor);
      this.deliver(next);
    }
    if (held?.size === 0) this.held.delete(chatId);
    if (cursor > before) this.saveCursor(chatId, cursor);
  }

  /** Whether some chat holds a message it cannot hand over yet. */
  hasGaps(): boolean {
    return this.held.size > 0;
  }

  /** The user left the chat: what is held of it will never be completed. */
  forget(chatId: string): void {
    this.held.delete(chatId);
  }
}
