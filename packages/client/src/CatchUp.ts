import type { Message, SyncedFrame } from '@parley/protocol';
import type { ChangeCursors } from './ChangeCursors.js';
import type { OutgoingFrame } from './transport/Transport.js';
import type { Timeline } from './Timeline.js';

/** Sync rounds spent on a gap that stays open (a chat left meanwhile) before waiting for news. */
const GAP_ROUNDS = 3;

/**
 * `sync` from the stored cursors on every (re)connect and whenever a live message shows a
 * gap, following `hasMore` until the client is current. One `sync` is in flight at a time, so
 * each `synced` answers the oldest (and only) one. A `sync` that gets no answer in time (it may
 * have been refused with an `error` frame, which carries no `ref`) stalls the link.
 */
export class CatchUp {
  private inFlight = false;
  private gapRounds = 0;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly timeline: Timeline,
    private readonly changes: ChangeCursors,
    private readonly updated: (message: Message) => void,
    private readonly send: (frame: OutgoingFrame) => void,
    private readonly stalled: () => void,
    private readonly timeoutMs: number,
  ) {}

  request(): void {
    if (this.inFlight) return; // The answer handler looks for gaps again.
    this.inFlight = true;
    this.timer = setTimeout(() => this.stalled(), this.timeoutMs);
    this.send({ type: 'sync', cursors: this.timeline.snapshot(), changes: this.changes.snapshot() });
  }

  synced(frame: SyncedFrame): void {
    if (!this.inFlight) return;
    this.stop();
    for (const chat of frame.chats) {
      this.timeline.accept(chat.chatId, chat.messages);
      // Updates are of messages up to the cursor the sync was sent with: already handed over.
      for (const message of chat.updates ?? []) this.updated(message);
      if (chat.changeSeq !== undefined) this.changes.advance(chat.chatId, chat.changeSeq);
    }
    const more = frame.chats.some((c) => c.hasMore);
    if (!this.timeline.hasGaps()) this.gapRounds = 0;
    if (more || (this.timeline.hasGaps() && ++this.gapRounds <= GAP_ROUNDS)) this.request();
  }

  /** The link is gone; the next one starts over. */
  stop(): void {
    clearTimeout(this.timer);
    this.inFlight = false;
  }
}
