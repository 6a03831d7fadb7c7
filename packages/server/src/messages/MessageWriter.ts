import type { Message } from '@parley/protocol';
import { AppError } from '../errors.js';
import type { BusEvent } from '../bus/Bus.js';
import type { Context } from '../context.js';
import { appendMessages, type SendRequest } from './appendMessages.js';
import { presentMessage } from './presentMessage.js';
import { isUniqueViolation } from '../store/errors.js';
import { withRetry } from '../store/withRetry.js';

export type SendResult = { ok: true; message: Message } | { ok: false; error: AppError };

/** Bounds one transaction, so a flood cannot build a commit that stalls the loop. */
const MAX_BATCH = 5_000;

/**
 * The single write path for messages. Sends arriving in one event-loop turn share one
 * transaction (one fsync): durability without paying a disk flush per message. A caller's
 * promise resolves only after that commit, so an ack is never sent for an unstored message,
 * and fan-out is published only after the commit too.
 */
export class MessageWriter {
  private queue: Array<{ req: SendRequest; resolve: (r: SendResult) => void }> = [];
  private scheduled = false;
  private flushing = false;
  private idle: Array<() => void> = [];

  constructor(private readonly ctx: Context) {}

  send(req: SendRequest): Promise<SendResult> {
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
    const { metrics, log } = this.ctx;
    const stopTimer = metrics.commitSeconds.startTimer();
    let results: SendResult[];
    const events: BusEvent[] = [];
    try {
      // Another node may store the same (chat, sender, clientMsgId) between our dedupe read and
      // insert; the unique index refuses it, and a rerun finds that row and dedupes against it.
      const outcomes = await withRetry(
        () => this.ctx.store.transaction((trx) => appendMessages(trx, batch.map((b) => b.req))),
        isUniqueViolation,
        3,
        1,
      );
      results = outcomes.map((outcome, i) => {
        if (!outcome.ok) return outcome;
        const message = presentMessage(outcome.row);
        if (outcome.fresh) {
          const frame = { type: 'message' as const, message };
          events.push({ kind: 'frame', userIds: outcome.memberIds, frame, exceptConnection: batch[i]!.req.ackedConnection });
        }
        return { ok: true as const, message };
      });
      metrics.messagesStored.inc(events.length);
    } catch (err) {
      log.error({ err, batch: batch.length }, 'message batch failed to commit');
      const error = new AppError('unavailable', 'message could not be stored; send it again');
      results = batch.map(() => ({ ok: false as const, error }));
    }
    stopTimer();
    metrics.commitBatchSize.observe(batch.length);
    batch.forEach((b, i) => b.resolve(results[i]!));
    this.ctx.bus.publish(events);
    this.flushing = false;
    if (this.queue.length > 0) this.schedule();
    else for (const resolve of this.idle.splice(0)) resolve();
  }
}
