import type { Message } from '@parley/protocol';
import { AppError } from '../errors.js';
import type { BusEvent } from '../bus/Bus.js';
import type { Context } from '../context.js';
import { CommitQueue, type Committed } from '../store/CommitQueue.js';
import { isUniqueViolation } from '../store/errors.js';
import { withRetry } from '../store/withRetry.js';
import type { MessageRow } from '../store/schema.js';
import { storeSends, type SendOutcome, type SendRequest } from './appendMessages.js';
import { NO_DETAILS, presentMessage, type MessageDetails } from './presentMessage.js';
import { loadMessageDetails } from './loadMessageDetails.js';

export type SendResult = { ok: true; message: Message } | { ok: false; error: AppError };

// How long stored messages may wait for the search index; a search waits for it to catch up.
const SEARCH_INDEX_AFTER_MS = 250;

/**
 * The single write path for messages: sends share one transaction per event-loop turn
 * (CommitQueue), so an ack is never sent for an unstored message, and fan-out is
 * published only after the commit.
 */
export class MessageWriter {
  private readonly queue: CommitQueue<SendRequest, SendResult>;
  private indexTimer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: Context) {
    this.queue = new CommitQueue((batch) => this.commit(batch));
  }

  send(req: SendRequest): Promise<SendResult> {
    return this.queue.submit(req);
  }

  async drain(): Promise<void> {
    await this.queue.drain();
    clearTimeout(this.indexTimer);
    this.indexTimer = undefined;
    await this.indexSearch();
  }

  /** One search-index pass for every commit in the next SEARCH_INDEX_AFTER_MS (Store.searchCaughtUp). */
  private indexSearchSoon(): void {
    this.indexTimer ??= setTimeout(() => {
      this.indexTimer = undefined;
      void this.indexSearch();
    }, SEARCH_INDEX_AFTER_MS);
  }

  private async indexSearch(): Promise<void> {
    // Nothing is lost if it fails: the next pass, or the next search, indexes the same rows.
    await this.ctx.store.searchCaughtUp().catch((err: unknown) => this.ctx.log.warn({ err }, 'search indexing failed'));
  }

  private async commit(batch: SendRequest[]): Promise<Committed<SendResult>> {
    const { metrics, log, store } = this.ctx;
    const stopTimer = metrics.commitSeconds.startTimer();
    metrics.commitBatchSize.observe(batch.length);
    let outcomes: SendOutcome[];
    try {
      // Another node may store the same (chat, sender, clientMsgId) between our dedupe read and
      // insert; the unique index refuses it, and a rerun finds that row and dedupes against it.
      outcomes = await withRetry(
        () => storeSends(store, batch),
        isUniqueViolation, 3, 1,
      );
    } catch (err) {
      log.error({ err, batch: batch.length }, 'message batch failed to commit');
      const error = new AppError('unavailable', 'message could not be stored; send it again');
      return { results: batch.map(() => ({ ok: false, error })) };
    } finally {
      stopTimer();
    }
    // Stored from here on: whatever happens next, every sender gets an ack and every member a frame.
    const stored = outcomes.flatMap((o) => (o.ok ? [o] : []));
    const details = await this.readDetails(stored);
    const events: BusEvent[] = [];
    const fresh: MessageRow[] = [];
    const results = outcomes.map((outcome, i): SendResult => {
      if (!outcome.ok) return outcome;
      const message = presentMessage(outcome.row, details);
      if (outcome.fresh) {
        fresh.push(outcome.row);
        events.push({ kind: 'frame', userIds: outcome.memberIds, frame: { type: 'message', message }, exceptConnection: batch[i]!.ackedConnection });
      }
      return { ok: true, message };
    });
    metrics.messagesStored.inc(events.length);
    if (events.length > 0) this.indexSearchSoon();
    return {
      results,
      afterward: () => {
        this.ctx.bus.publish(events);
        this.ctx.push.messagesStored(fresh);
      },
    };
  }

  /**
   * Media and quotes for the acks and frames: a query each for the whole batch, only if some
   * message needs them, read after the commit so the chats' counter rows are not held meanwhile.
   * If the read keeps failing the messages go out without them (history and catch-up show them
   * whole) rather than being reported unstored.
   */
  private async readDetails(stored: Array<Extract<SendOutcome, { ok: true }>>): Promise<MessageDetails> {
    const rows = stored.map((o) => o.row);
    const read = () => loadMessageDetails(this.ctx, this.ctx.store.db, rows, { reactions: stored.some((o) => !o.fresh) });
    try {
      return await withRetry(read, () => true, 3, 20);
    } catch (err) {
      this.ctx.log.error({ err, messages: rows.length }, 'stored messages sent without their media and quotes: reading them failed');
      return NO_DETAILS;
    }
  }
}
