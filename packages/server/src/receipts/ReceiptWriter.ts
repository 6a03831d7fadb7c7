import type { ReceiptCursors } from '@parley/protocol';
import { AppError } from '../errors.js';
import type { Context } from '../context.js';
import { applyReceipts, type ReceiptRequest } from './applyReceipts.js';
import { receiptEvents } from './receiptEvents.js';
import { CommitQueue, type Committed } from '../store/CommitQueue.js';

export type ReceiptResult = { ok: true; cursors: ReceiptCursors } | { ok: false; error: AppError };

/**
 * The single write path for delivered/read receipts, batched like messages (CommitQueue):
 * receipts arriving in one event-loop turn share one commit, and a member's receipts in it
 * collapse to one cursor move. Callers' promises resolve and frames are published only
 * after the commit, so no device ever sees a cursor that a crash could take back.
 */
export class ReceiptWriter {
  private readonly queue: CommitQueue<ReceiptRequest, ReceiptResult>;

  constructor(private readonly deps: Pick<Context, 'config' | 'store' | 'bus' | 'log'>) {
    this.queue = new CommitQueue((batch) => this.commit(batch));
  }

  mark(req: ReceiptRequest): Promise<ReceiptResult> {
    return this.queue.submit(req);
  }

  drain(): Promise<void> {
    return this.queue.drain();
  }

  private async commit(batch: ReceiptRequest[]): Promise<Committed<ReceiptResult>> {
    const { store, config, bus, log } = this.deps;
    try {
      const now = Date.now();
      const outcomes = await store.receiptTransaction((db) => applyReceipts(store, db, batch, config.receiptsDetailMax, now));
      const results = outcomes.map((o): ReceiptResult =>
        o.ok ? { ok: true, cursors: { deliveredSeq: o.mark.deliveredSeq, readSeq: o.mark.readSeq, unreadCount: o.mark.unreadCount } } : o,
      );
      const events = receiptEvents(outcomes);
      return { results, afterward: () => bus.publish(events) };
    } catch (err) {
      log.error({ err, batch: batch.length }, 'receipt batch failed to commit');
      const error = new AppError('unavailable', 'receipt could not be stored; send it again');
      return { results: batch.map(() => ({ ok: false, error })) };
    }
  }
}
