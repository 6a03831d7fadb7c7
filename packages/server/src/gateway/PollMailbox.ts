import type { ServerFrame, StreamClose } from '@parley/protocol';
import type { ConnectionSink } from './Connection.js';
import type { OutgoingFrame } from './OutgoingFrame.js';

/** A wait for the mailbox to change, armed before the poll reads so nothing slips in between. */
export interface MailboxWatch {
  /** Resolves at the first write or close since `watch()`, after `ms`, or when `signal` aborts. */
  wait(ms: number, signal: AbortSignal): Promise<void>;
  cancel(): void;
}

/**
 * What a long-polling device receives on this node between and during its polls. Messages are
 * not kept: they are in the store and each poll reads them by cursor, so a `message` only
 * wakes the polls. Everything else (receipts, typing, presence, chat changes, pongs) is kept
 * and numbered, the newest `capacity` of them, so a poll returns exactly what came after its
 * `after`; a poll whose `after` fell out of the window is told to start over.
 */
export class PollMailbox implements ConnectionSink {
  readonly kind = 'poll';
  closedWith?: StreamClose;
  private readonly events: Array<{ n: number; frame: ServerFrame }> = [];
  private newestN = 0;
  /** The newest event that was dropped for room; a poll from before it missed something. */
  private droppedN = 0;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly capacity: number,
    private readonly onClose: () => void,
  ) {}

  get newest(): number {
    return this.newestN;
  }

  /** Bounded by `capacity` instead: a slow poller misses events and starts over. */
  bufferedBytes(): number {
    return 0;
  }

  isOpen(): boolean {
    return this.closedWith === undefined;
  }

  write({ frame }: OutgoingFrame): void {
    if (frame.type !== 'message') {
      this.events.push({ n: ++this.newestN, frame });
      if (this.events.length > this.capacity) this.droppedN = this.events.shift()!.n;
    }
    this.wake();
  }

  close(code: number, reason: string): void {
    if (this.closedWith) return;
    this.closedWith = { code, reason };
    this.wake();
    this.onClose();
  }

  terminate(): void {
    this.close(1006, 'dropped');
  }

  /** Events numbered after `n`, oldest first; undefined when some of them are gone (or `n` is not from here). */
  since(n: number): Array<{ n: number; frame: ServerFrame }> | undefined {
    if (n < this.droppedN || n > this.newestN) return undefined;
    const first = this.events.findIndex((e) => e.n > n);
    return first < 0 ? [] : this.events.slice(first);
  }

  watch(): MailboxWatch {
    let fired = false;
    let wake: () => void = () => {
      fired = true;
    };
    const waiter = () => wake();
    this.waiters.add(waiter);
    return {
      wait: (ms, signal) =>
        new Promise<void>((resolve) => {
          if (fired || signal.aborted) return resolve();
          const done = () => {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            this.waiters.delete(waiter);
            resolve();
          };
          const timer = setTimeout(done, ms);
          signal.addEventListener('abort', done);
          wake = done;
        }),
      cancel: () => void this.waiters.delete(waiter),
    };
  }

  private wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const waiter of waiters) waiter();
  }
}
