import type { ErrorBody, Message, PollReply, ServerFrame } from '@parley/protocol';
import { ParleyError } from '../http.js';
import { plainRequest, RestFrames } from './RestFrames.js';
import { namedTransport, type OutgoingFrame, type RestCall, type Transport, type TransportFactory, type TransportHandlers, type TransportOptions } from './Transport.js';

export interface LongPollOptions {
  /** How long the server may hold a poll that has nothing to say (it caps this itself). Default 25 000. */
  holdMs?: number;
}

/** Beyond the hold, how long a poll may take before it counts as lost. */
const POLL_MARGIN_MS = 15_000;

/**
 * Long polling (`POST /api/v1/poll`) for the server's frames and REST for the client's, for
 * networks where neither WebSockets nor streamed responses get through. The first poll opens
 * the link and brings `ready`; the loop starts once the client's first `sync` is answered,
 * from the cursors it carried, and moves them on with every message it hands over, so each
 * poll asks for exactly what the client does not have. Events other than messages come from
 * the server's mailbox by the `after` cursor; a mailbox that lost some (`reset`) ends the link,
 * and the reconnect fetches a fresh snapshot.
 */
export function longPollTransport(options: LongPollOptions = {}): TransportFactory {
  return namedTransport('long-polling', (transportOptions, handlers) => new LongPollTransport(transportOptions, handlers, options.holdMs ?? 25_000));
}

class LongPollTransport implements Transport {
  private readonly abort = new AbortController();
  private readonly request: RestCall;
  private readonly rest: RestFrames;
  private readonly cursors: Record<string, number> = {};
  private after?: string;
  private polling = false;
  private done = false;

  constructor(options: TransportOptions, private readonly handlers: TransportHandlers, private readonly holdMs: number) {
    this.request = options.request ?? plainRequest(options);
    this.rest = new RestFrames(this.request, (frame) => this.frame(frame), (reason) => this.end(1006, reason));
    void this.open();
  }

  send(frame: OutgoingFrame): void {
    if (this.done) return;
    // The client's cursors: what it holds, so what the polls need not bring again.
    if (frame.type === 'sync') this.advance(Object.entries(frame.cursors));
    this.rest.send(frame);
  }

  close(): void {
    this.done = true;
    this.abort.abort();
    this.rest.close();
  }

  private async open(): Promise<void> {
    try {
      this.take(await this.poll({ timeoutMs: 0 }));
    } catch (err) {
      // An HTTP error other than 401 is a refusal (say a proxy's 403); a network error is not.
      if (!(err instanceof ParleyError && err.status === 401)) return this.end(1006, String(err), err instanceof ParleyError && err.status > 0);
      // As on the WebSocket: an `error` frame, then 4001, and the client refreshes or gives up.
      this.frame({ type: 'error', error: { code: err.code, message: err.message } as ErrorBody });
      this.end(4001, err.message);
    }
  }

  private async loop(): Promise<void> {
    while (!this.done) {
      try {
        this.take(await this.poll({ cursors: this.cursors, after: this.after, timeoutMs: this.holdMs }));
      } catch (err) {
        return this.fail(err);
      }
    }
  }

  private poll(body: Record<string, unknown>): Promise<PollReply> {
    return this.request<PollReply>('POST', '/poll', body, { signal: this.abort.signal, timeoutMs: this.holdMs + POLL_MARGIN_MS });
  }

  private take(reply: PollReply): void {
    if (this.done) return;
    if (reply.reset) return this.end(1006, 'missed events while away; starting over');
    this.after = reply.after;
    for (const frame of reply.events) this.frame(frame);
    for (const chat of reply.chats) {
      for (const message of chat.messages) this.frame({ type: 'message', message });
    }
    if (reply.close) this.end(reply.close.code, reply.close.reason);
  }

  private frame(frame: ServerFrame): void {
    if (this.done) return;
    if (frame.type === 'ready') this.rest.connectionId = frame.connectionId;
    if (frame.type === 'message') this.advance([[frame.message.chatId, frame.message.seq]]);
    if (frame.type === 'synced') this.advance(frame.chats.flatMap((c) => c.messages.map((m: Message) => [m.chatId, m.seq] as [string, number])));
    this.handlers.frame(frame);
    if (frame.type === 'synced' && !this.polling) {
      this.polling = true;
      void this.loop();
    }
  }

  /** Messages come from `synced` and polls contiguously after a cursor, so the highest seq is the cursor. */
  private advance(entries: Array<[string, number]>): void {
    for (const [chatId, seq] of entries) this.cursors[chatId] = Math.max(this.cursors[chatId] ?? 0, seq);
  }

  private fail(err: unknown): void {
    this.end(1006, err instanceof Error ? err.message : String(err));
  }

  private end(code: number, reason: string, refused = false): void {
    if (this.done) return;
    this.close();
    this.handlers.close(code, reason, refused);
  }
}
