import type { ServerFrame } from '@parley/protocol';
import { namedTransport, type OutgoingFrame, type Transport, type TransportFactory, type TransportHandlers, type TransportOptions } from './Transport.js';

/** The part of the WebSocket API (browser or `ws`) the transport uses. */
export interface WebSocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: { message?: string }) => void) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export const WS_PATH = '/api/v1/ws/chat';
const OPEN = 1;

/**
 * The WebSocket transport: the global WebSocket in browsers, the `ws` package in Node
 * (loaded only when there is no global one), or the constructor given.
 */
export function webSocketTransport(Impl?: WebSocketConstructor): TransportFactory {
  return namedTransport('websocket', (options, handlers) => new WebSocketTransport(options, handlers, Impl));
}

class WebSocketTransport implements Transport {
  private socket?: WebSocketLike;
  private done = false;

  constructor(options: TransportOptions, private readonly handlers: TransportHandlers, Impl?: WebSocketConstructor) {
    void this.open(options, Impl).catch((err: unknown) => this.end(1006, err instanceof Error ? err.message : String(err)));
  }

  send(frame: OutgoingFrame): void {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(frame));
  }

  close(): void {
    this.done = true;
    const socket = this.socket;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = null;
    socket.onerror = () => {};
    // A link that went silent may never finish a closing handshake: `ws` can drop it at once.
    const terminate = (socket as { terminate?: () => void }).terminate;
    if (terminate) terminate.call(socket);
    else socket.close(1000);
  }

  private async open({ baseUrl, accessToken }: TransportOptions, Impl?: WebSocketConstructor): Promise<void> {
    const Ctor = Impl ?? (await loadWebSocket());
    if (this.done) return;
    const socket = new Ctor(`${baseUrl.replace(/^http/, 'ws')}${WS_PATH}`);
    this.socket = socket;
    socket.onopen = () => socket.send(JSON.stringify({ type: 'auth', token: accessToken }));
    socket.onmessage = (ev) => {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(ev.data)) as ServerFrame;
      } catch {
        return; // Not ours to interpret; the server only sends JSON.
      }
      if (!this.done) this.handlers.frame(frame);
    };
    // `close` follows with the code. Only `ws` (Node) says when an HTTP answer came instead of an upgrade.
    let refused = false;
    socket.onerror = (ev) => void (refused ||= /Unexpected server response/.test(ev?.message ?? ''));
    socket.onclose = (ev) => this.end(ev.code, ev.reason, refused);
  }

  private end(code: number, reason: string, refused = false): void {
    if (this.done) return;
    this.done = true;
    this.handlers.close(code, reason, refused);
  }
}

async function loadWebSocket(): Promise<WebSocketConstructor> {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (global) return global;
  const ws = await import('ws');
  return (ws.default ?? ws.WebSocket) as unknown as WebSocketConstructor;
}
