import { EVENTS_PATH, type ErrorBody, type ServerFrame, type StreamClose } from '@parley/protocol';
import { readEventStream } from './readEventStream.js';
import { plainRequest, RestFrames } from './RestFrames.js';
import { namedTransport, type OutgoingFrame, type Transport, type TransportFactory, type TransportHandlers, type TransportOptions } from './Transport.js';

/**
 * Server-Sent Events for the server's frames (`GET /api/v1/events`, read with fetch, so the
 * token goes in a header and never in a URL) and REST for the client's. For networks that
 * block WebSockets but let a long HTTP response through.
 */
export function sseTransport(): TransportFactory {
  return namedTransport('sse', (options, handlers) => new SseTransport(options, handlers));
}

class SseTransport implements Transport {
  private readonly abort = new AbortController();
  private readonly rest: RestFrames;
  private done = false;

  constructor(private readonly options: TransportOptions, private readonly handlers: TransportHandlers) {
    this.rest = new RestFrames(options.request ?? plainRequest(options), (frame) => this.frame(frame), (reason) => this.end(1006, reason));
    void this.open().then(
      () => this.end(1006, 'event stream ended'),
      (err: unknown) => this.end(1006, err instanceof Error ? err.message : String(err)),
    );
  }

  send(frame: OutgoingFrame): void {
    if (!this.done) this.rest.send(frame);
  }

  close(): void {
    this.done = true;
    this.abort.abort();
    this.rest.close();
  }

  private async open(): Promise<void> {
    const res = await fetch(`${this.options.baseUrl}${EVENTS_PATH}`, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${this.options.accessToken}` },
      signal: this.abort.signal,
    });
    if (res.status === 401) {
      // As on the WebSocket: an `error` frame, then 4001, and the client refreshes or gives up.
      const error = ((await res.json().catch(() => ({}))) as { error?: ErrorBody }).error ?? { code: 'unauthorized', message: 'unauthorized' };
      this.frame({ type: 'error', error });
      return this.end(4001, error.message);
    }
    const type = res.headers.get('content-type') ?? '';
    if (!res.ok || !res.body || !type.startsWith('text/event-stream')) {
      return this.end(1006, `events: HTTP ${res.status} ${type}`, true);
    }
    await readEventStream(res.body, ({ event, data }) => {
      if (event === 'close') {
        const close = JSON.parse(data) as StreamClose;
        this.end(close.code, close.reason);
      } else if (event === 'message') {
        this.frame(JSON.parse(data) as ServerFrame);
      }
    });
  }

  private frame(frame: ServerFrame): void {
    if (this.done) return;
    if (frame.type === 'ready') this.rest.connectionId = frame.connectionId;
    this.handlers.frame(frame);
  }

  private end(code: number, reason: string, refused = false): void {
    if (this.done) return;
    this.close();
    this.handlers.close(code, reason, refused);
  }
}

