import type { ReceiptCursors } from '@parley/protocol';
import { AppError } from '../errors.js';
import type { Context } from '../context.js';
import { applyReceipts, type ReceiptRequest } from './applyReceipts.js';
import { receiptEvents } from './receiptEvents.js';

export type ReceiptResult = { ok: true; cursors: ReceiptCursors } | { ok: false; error: AppError };

/** Bounds one transaction, so a flood cannot build a commit that stalls the loop. */
const MAX_BATCH = 5_000;

/**
 * The single write path for delivered/read receipts, batched like MessageWriter: receipts
 * arriving in one event-loop turn share one transaction, and a member's receipts in it
 * collapse to one cursor move. Callers' promises resolve and frames are published only
 * after the commit, so no device ever sees a cursor that a crash could take back.
 */
export class ReceiptWriter {
  private queue: Array<{ req: ReceiptRequest; resolve: (r: ReceiptResult) => void }> = [];
  private scheduled = false;
  private flushing = false;
  private idle: Array<() => void> = [];

  constructor(private readonly deps: Pick<Context, 'config' | 'store' | 'bus' | 'log'>) {}

  mark(req: ReceiptRequest): Promise<ReceiptResult> {
    return new Promise((resolve) => {
      this.queue.push({ req, resolve });
      this.schedule();
    });
  }

  /** Resolves once everything queued so far is committed (graceful shutdown). */
  drain(): Promise<void> {
    if (!this.flushing && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.flushing = true;
    const batch = this.queue.splice(0, MAX_BATCH);
    const { store, config, bus, log } = this.deps;
    let results: ReceiptResult[];
    let events: ReturnType<typeof receiptEvents> = [];
    try {
      const now = Date.now();
      const outcomes = await store.transaction((trx) => applyReceipts(trx, batch.map((b) => b.req), config.receiptsDetailMax, now));
      results = outcomes.map((o) => (o.ok ? { ok: true, cursors: { deliveredSeq: o.mark.deliveredSeq, readSeq: o.mark.readSeq, unreadCount: o.mark.unreadCount } } : o));
      events = receiptEvents(outcomes);
    } catch (err) {
      log.error({ err, batch: batch.length }, 'receipt batch failed to commit');
      const error = new AppError('unavailable', 'receipt could not be stored; send it again');
      results = batch.map(() => ({ ok: false as const, error }));
    }
    batch.forEach((b, i) => b.resolve(results[i]!));
    bus.publish(events);
    this.flushing = false;
    if (this.queue.length > 0) this.schedule();
    else for (const resolve of this.idle.splice(0)) resolve();
  }
}
