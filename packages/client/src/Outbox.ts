import type { ErrorBody, Message, MessageInput } from '@parley/protocol';
import { ParleyError } from './http.js';
import type { OutboxEntry } from './store/ClientStore.js';
import type { StoreWriter } from './store/StoreWriter.js';
import type { OutgoingFrame } from './transport/Transport.js';

export type MessageStatus = 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

/** One of this user's messages as the app sees it, from `send()` until it is read. */
export interface LocalMessage extends OutboxEntry {
  status: MessageStatus;
  /** Set once the server stored it (`createdAt` then is the server's). */
  id?: string;
  seq?: number;
  /** Why the server refused it (status `failed`). */
  error?: ErrorBody;
}

/** What `send()` returns at once and queues: the message as the app shows it until the server has it. */
export function localMessage(chatId: string, input: MessageInput, clientMsgId: string): LocalMessage {
  return {
    clientMsgId, chatId, type: input.type, content: input.content, createdAt: new Date().toISOString(), status: 'sending',
    ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    ...(input.media ? { media: { id: input.media.id } } : {}),
    ...(input.location ? { location: input.location } : {}),
  };
}

/** Errors worth sending again later; anything else means the server will never take the message. */
const TRANSIENT = new Set<string>(['rate_limited', 'unavailable', 'internal_error']);
const RETRY_MS = 1000;
/** Outcomes remembered for `whenSent` calls that come after the fact. */
const SETTLED_KEPT = 10_000;

interface Pending { local: LocalMessage; persisted: boolean; onWire: boolean }
interface Waiter { resolve(message: Message): void; reject(error: Error): void }

/**
 * Messages not yet acked, in the order they were sent. Each is written to the store before it
 * goes on the wire, and goes out again (same `clientMsgId`) on every new link until its ack,
 * in order, at most `maxInFlight` unacked on one link.
 */
export class Outbox {
  private readonly pending: Pending[] = [];
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly settled = new Map<string, Message | ParleyError>();
  private retryTimer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly writer: StoreWriter,
    private readonly maxInFlight: number,
    /** Something can go on the wire now. */
    private readonly pumpSoon: () => void,
  ) {}

  /** Entries from the store go first: they were sent before anything of this run. */
  restore(entries: OutboxEntry[]): void {
    this.pending.unshift(...entries.map((entry) => ({ local: { ...entry, status: 'sending' as const }, persisted: true, onWire: false })));
  }

  add(local: LocalMessage): void {
    const item: Pending = { local, persisted: false, onWire: false };
    this.pending.push(item);
    const { status: _status, ...entry } = local;
    // Sent even if the write failed (it is reported): losing restart-safety beats never sending.
    void this.writer.run((store) => store.putOutbox(entry)).then(() => {
      item.persisted = true;
      this.pumpSoon();
    });
  }

  entries(): LocalMessage[] {
    return this.pending.map((p) => ({ ...p.local }));
  }

  /** Puts what is ready on the wire, oldest first; `send` returns false when there is no link. */
  pump(send: (frame: OutgoingFrame) => boolean): void {
    let inFlight = 0;
    for (const p of this.pending) {
      if (!p.persisted) break;
      if (p.onWire) {
        inFlight++;
        continue;
      }
      if (inFlight >= this.maxInFlight) break;
      const { clientMsgId, chatId, type, content, replyTo, media, location } = p.local;
      const message = { type, content, ...(replyTo ? { replyTo } : {}), ...(media ? { media: { id: media.id } } : {}), ...(location ? { location } : {}) };
      if (!send({ type: 'send', clientMsgId, chatId, message })) break;
      p.onWire = true;
      inFlight++;
    }
  }

  /** The link is gone: everything unacked goes out again on the next one. */
  linkDown(): void {
    for (const p of this.pending) p.onWire = false;
  }

  /** The server stored it; returns the message as the app now sees it, or undefined if not ours. */
  ack(clientMsgId: string, message: Message): LocalMessage | undefined {
    const p = this.take(clientMsgId);
    this.remember(clientMsgId, message);
    for (const w of this.waiters.get(clientMsgId) ?? []) w.resolve(message);
    this.waiters.delete(clientMsgId);
    if (!p) return undefined;
    return { ...p.local, status: 'sent', id: message.id, seq: message.seq, createdAt: message.createdAt };
  }

  /** The server refused it: for good (returns it, `failed`), or for now (sent again shortly). */
  refuse(clientMsgId: string, error: ErrorBody): LocalMessage | undefined {
    const p = this.pending.find((x) => x.local.clientMsgId === clientMsgId);
    if (!p) return undefined;
    if (TRANSIENT.has(error.code)) {
      p.onWire = false;
      this.retryTimer ??= setTimeout(() => ((this.retryTimer = undefined), this.pumpSoon()), RETRY_MS);
      return undefined;
    }
    this.take(clientMsgId);
    const refused = new ParleyError(0, error.code, error.message);
    this.remember(clientMsgId, refused);
    for (const w of this.waiters.get(clientMsgId) ?? []) w.reject(refused);
    this.waiters.delete(clientMsgId);
    return { ...p.local, status: 'failed', error };
  }

  /** Resolves with the stored message once acked; rejects if the server refuses it. */
  whenSent(clientMsgId: string): Promise<Message> {
    const done = this.settled.get(clientMsgId);
    if (done) return done instanceof ParleyError ? Promise.reject(done) : Promise.resolve(done);
    if (!this.pending.some((p) => p.local.clientMsgId === clientMsgId)) {
      return Promise.reject(new ParleyError(0, 'not_found', `no message ${clientMsgId} in the outbox`));
    }
    return new Promise((resolve, reject) => {
      const list = this.waiters.get(clientMsgId) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(clientMsgId, list);
    });
  }

  stop(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private take(clientMsgId: string): Pending | undefined {
    const i = this.pending.findIndex((p) => p.local.clientMsgId === clientMsgId);
    if (i < 0) return undefined;
    const [p] = this.pending.splice(i, 1);
    void this.writer.run((store) => store.deleteOutbox(clientMsgId));
    return p;
  }

  private remember(clientMsgId: string, outcome: Message | ParleyError): void {
    this.settled.set(clientMsgId, outcome);
    if (this.settled.size > SETTLED_KEPT) this.settled.delete(this.settled.keys().next().value!);
  }
}
