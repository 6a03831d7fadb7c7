import type { FrameEvent } from '../bus/Bus.js';

interface ChatState {
  /** The seq to deliver next; undefined until this node has seen enough of the chat to know it. */
  next?: number;
  held: Map<number, FrameEvent>;
  timer?: NodeJS.Timeout;
  touched: number;
}

/**
 * Puts `message` events back into seq order per chat on this node. With several nodes, seq 6
 * committed on node B can reach this node before seq 5 from node A; a message that skips
 * ahead is held until the missing ones arrive, or `holdMs` passes (then everything held goes
 * out in order and the client fills any true gap from its cursor). A chat seen for the first
 * time past seq 1 is held once, since a lower seq may still be on its way. Only used with a
 * bus that spans nodes: on one node events already arrive in order.
 */
export class ChatOrder {
  private readonly chats = new Map<string, ChatState>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly deliver: (event: FrameEvent) => void,
    private readonly holdMs = 50,
    idleMs = 10 * 60_000,
  ) {
    // Chats quiet for ten minutes are forgotten, so the map stays the size of the active set.
    this.sweeper = setInterval(() => this.forgetIdle(idleMs), idleMs);
    this.sweeper.unref();
  }

  accept(event: FrameEvent): void {
    if (event.frame.type !== 'message') return this.deliver(event);
    const { chatId, seq } = event.frame.message;
    let state = this.chats.get(chatId);
    if (!state) {
      state = { next: seq === 1 ? 1 : undefined, held: new Map(), touched: Date.now() };
      this.chats.set(chatId, state);
    }
    state.touched = Date.now();
    if (state.next !== undefined && seq < state.next) return this.deliver(event); // late or a repeat: the client dedupes by seq
    state.held.set(seq, event);
    this.release(state);
    if (state.held.size > 0 && !state.timer) {
      state.timer = setTimeout(() => this.flush(state), this.holdMs);
    }
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const state of this.chats.values()) this.flush(state);
  }

  private release(state: ChatState): void {
    if (state.next === undefined) return;
    for (let event = state.held.get(state.next); event; event = state.held.get(state.next)) {
      state.held.delete(state.next);
      state.next++;
      this.deliver(event);
    }
    if (state.held.size === 0 && state.timer) {
      clearTimeout(state.timer);
      state.timer = undefined;
    }
  }

  /** The wait is over: send what is held in order and move past the gap. */
  private flush(state: ChatState): void {
    clearTimeout(state.timer);
    state.timer = undefined;
    const seqs = [...state.held.keys()].sort((a, b) => a - b);
    for (const seq of seqs) {
      this.deliver(state.held.get(seq)!);
      state.next = seq + 1;
    }
    state.held.clear();
  }

  private forgetIdle(idleMs: number): void {
    const cutoff = Date.now() - idleMs;
    for (const [chatId, state] of this.chats) {
      if (state.touched < cutoff && state.held.size === 0) this.chats.delete(chatId);
    }
  }
}
