import type { ErrorBody, Message, ReceiptFrame, SendFrame, ServerFrame, SyncFrame, SyncedChat, TypingFrame } from '@parley/protocol';
import { ParleyError, requestJson } from '../http.js';
import type { OutgoingFrame, RestCall, TransportOptions } from './Transport.js';

type Handlers = { [T in OutgoingFrame['type']]: (frame: Extract<OutgoingFrame, { type: T }>) => Promise<void> };

/**
 * The client's frames over REST, for transports whose downstream is not a WebSocket. Answers
 * come back as the frames a WebSocket would carry: `ack` or `error` (with `ref`) for a `send`,
 * `synced` for a `sync`, `error` for a refused `receipt` or `typing`. A `ping` asks the server
 * to put a `pong` on the stream itself, so it proves the whole round trip. Sends and syncs go
 * one at a time, in order, as the server takes a WebSocket's frames; the rest go at once.
 * A call that fails on the network, or whose token is refused, ends the link: the client
 * reconnects and resends what was not acked.
 */
export class RestFrames {
  /** From `ready`: names the stream or mailbox a `pong` goes to. */
  connectionId?: string;
  private inOrder: Promise<void> = Promise.resolve();
  private readonly abort = new AbortController();

  constructor(
    private readonly request: RestCall,
    private readonly deliver: (frame: ServerFrame) => void,
    private readonly lost: (reason: string) => void,
  ) {}

  send(frame: OutgoingFrame): void {
    const run = () => (this.handlers[frame.type] as (f: OutgoingFrame) => Promise<void>)(frame);
    if (frame.type === 'send' || frame.type === 'sync') this.inOrder = this.inOrder.then(run);
    else void run();
  }

  close(): void {
    this.abort.abort();
  }

  private readonly handlers: Handlers = {
    send: async (frame: SendFrame) => {
      const body = { clientMsgId: frame.clientMsgId, ...frame.message };
      const reply = await this.call<{ message: Message }>(`/chats/${encodeURIComponent(frame.chatId)}/messages`, body, frame.clientMsgId);
      if (reply) this.deliver({ type: 'ack', clientMsgId: frame.clientMsgId, message: reply.message });
    },
    sync: async ({ type: _type, ...body }: SyncFrame) => {
      const reply = await this.call<{ chats: SyncedChat[] }>('/sync', body);
      if (reply) this.deliver({ type: 'synced', chats: reply.chats });
    },
    ping: async () => {
      // A server that names no connection cannot route a pong: answer here rather than drop the link.
      if (this.connectionId === undefined) return this.deliver({ type: 'pong' });
      await this.call('/ping', { connectionId: this.connectionId });
    },
    receipt: async (frame: ReceiptFrame) => {
      await this.call(`/chats/${encodeURIComponent(frame.chatId)}/${frame.status}`, { seq: frame.seq });
    },
    typing: async (frame: TypingFrame) => {
      await this.call(`/chats/${encodeURIComponent(frame.chatId)}/typing`, { state: frame.state });
    },
  };

  /** POSTs; a refusal becomes an `error` frame (with `ref` when given) and resolves undefined. */
  private async call<T>(path: string, body: unknown, ref?: string): Promise<T | undefined> {
    if (this.abort.signal.aborted) return undefined;
    try {
      return await this.request<T>('POST', path, body, { signal: this.abort.signal });
    } catch (err) {
      if (this.abort.signal.aborted) return undefined;
      if (!(err instanceof ParleyError) || err.code === 'network_error' || err.status === 401) {
        this.lost(err instanceof Error ? err.message : String(err));
        return undefined;
      }
      const error = { code: err.code, message: err.message } as ErrorBody;
      this.deliver(ref === undefined ? { type: 'error', error } : { type: 'error', ref, error });
      return undefined;
    }
  }
}

/** For a transport used on its own, outside ParleyClient: calls with the token it was given. */
export function plainRequest({ baseUrl, accessToken }: TransportOptions): RestCall {
  return (method, path, body, options) => requestJson(baseUrl, method, path, body, accessToken, options);
}
