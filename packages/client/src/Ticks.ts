import type { Chat, ReceiptUpdateFrame } from '@parley/protocol';
import type { LocalMessage } from './Outbox.js';

export type Tick = 'sent' | 'delivered' | 'read';
interface Cursors { deliveredSeq?: number; readSeq?: number }

/**
 * Delivery ticks from member cursors, with no per-message traffic: a message is `delivered`
 * when every member other than its sender has `deliveredSeq >= seq`, and `read` likewise with
 * `readSeq`. Cursors come from chats (`GET /users/me/chats`, `chat` frames) and move forward
 * with `receipt` frames. Chats above the server's detail limit carry no cursors: their
 * messages stay `sent`.
 */
export class Ticks {
  private readonly members = new Map<string, Map<string, Cursors>>();
  /**
   * Receipts for members not in the known list yet, kept until the chat's list comes: after a
   * (re)connect the chat list is fetched while the outbox is resent, so a quick reader's receipt
   * can arrive before the list, which was read before that receipt.
   */
  private readonly early = new Map<string, Map<string, Cursors>>();
  /** This device's sent messages not yet read by everyone, by chat. */
  private readonly own = new Map<string, Map<string, LocalMessage>>();

  constructor(
    /** This user's id: the sender of every tracked message. */
    private readonly me: () => string | undefined,
    private readonly changed: (local: LocalMessage) => void,
  ) {}

  /** Replaces the chat's member list; a member's cursors never move back. */
  setChat(chat: Chat): void {
    const old = this.members.get(chat.id);
    const early = this.early.get(chat.id);
    const next = new Map<string, Cursors>();
    for (const m of chat.members) {
      const cursors: Cursors = { deliveredSeq: m.deliveredSeq, readSeq: m.readSeq };
      raise(cursors, old?.get(m.userId));
      raise(cursors, early?.get(m.userId));
      early?.delete(m.userId);
      next.set(m.userId, cursors);
    }
    this.members.set(chat.id, next);
    this.recompute(chat.id);
  }

  receipt(frame: Omit<ReceiptUpdateFrame, 'type'>): void {
    const member = this.members.get(frame.chatId)?.get(frame.userId);
    if (member) {
      raise(member, frame);
      this.recompute(frame.chatId);
      return;
    }
    let early = this.early.get(frame.chatId);
    if (!early) this.early.set(frame.chatId, (early = new Map()));
    const cursors = early.get(frame.userId) ?? {};
    raise(cursors, frame);
    early.set(frame.userId, cursors);
  }

  removeChat(chatId: string): void {
    this.members.delete(chatId);
    this.early.delete(chatId);
    this.own.delete(chatId);
  }

  /** An own message was acked (`sent`); follows it until everyone read it. */
  track(local: LocalMessage): void {
    let chat = this.own.get(local.chatId);
    if (!chat) this.own.set(local.chatId, (chat = new Map()));
    chat.set(local.clientMsgId, local);
    this.update(local);
  }

  statusOf(chatId: string, seq: number, senderId: string): Tick {
    const others = [...(this.members.get(chatId) ?? [])].filter(([userId]) => userId !== senderId).map(([, c]) => c);
    if (others.length === 0) return 'sent';
    if (others.every((c) => (c.readSeq ?? 0) >= seq)) return 'read';
    if (others.every((c) => Math.max(c.deliveredSeq ?? 0, c.readSeq ?? 0) >= seq)) return 'delivered';
    return 'sent';
  }

  private recompute(chatId: string): void {
    for (const local of this.own.get(chatId)?.values() ?? []) this.update(local);
  }

  private update(local: LocalMessage): void {
    const me = this.me();
    if (!me || local.seq === undefined) return;
    const status = this.statusOf(local.chatId, local.seq, me);
    if (status !== local.status) {
      local.status = status;
      this.changed({ ...local });
    }
    if (status === 'read') this.own.get(local.chatId)?.delete(local.clientMsgId);
  }
}

/** Moves `cursors` forward to `by` where `by` is ahead. */
function raise(cursors: Cursors, by: Cursors | undefined): void {
  cursors.deliveredSeq = max(by?.deliveredSeq, cursors.deliveredSeq);
  cursors.readSeq = max(by?.readSeq, cursors.readSeq);
}

function max(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}
