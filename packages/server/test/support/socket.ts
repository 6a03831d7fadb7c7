import crypto from 'node:crypto';
import WebSocket, { type ClientOptions } from 'ws';

type Frame = Record<string, any> & { type: string };

/** A raw WebSocket client that records every frame, for asserting the wire protocol. */
export class TestSocket {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<{ match: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => (w.match(frame) ? (w.resolve(frame), false) : true));
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async open(url: string, options?: ClientOptions): Promise<TestSocket> {
    const ws = new WebSocket(url, options);
    const socket = new TestSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return socket;
  }

  /** Opens and authenticates; resolves after `ready`. */
  static async connect(url: string, token: string, options?: ClientOptions): Promise<TestSocket> {
    const socket = await TestSocket.open(url, options);
    socket.send({ type: 'auth', token });
    const reply = await socket.next((f) => f.type === 'ready' || f.type === 'error');
    if (reply.type !== 'ready') throw new Error(`auth failed: ${JSON.stringify(reply)}`);
    return socket;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Sends a text message and resolves with its ack (or error) frame. */
  async sendText(chatId: string, content: string, clientMsgId: string = crypto.randomUUID()): Promise<Frame> {
    const reply = this.next((f) => (f.type === 'ack' && f.clientMsgId === clientMsgId) || (f.type === 'error' && f.ref === clientMsgId));
    this.send({ type: 'send', clientMsgId, chatId, message: { type: 'text', content } });
    return reply;
  }

  /** The first frame (already received or future) matching `match`. */
  next(match: (f: Frame) => boolean, timeoutMs = 10_000, includePast = false): Promise<Frame> {
    if (includePast) {
      const seen = this.frames.find(match);
      if (seen) return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for a frame; last: ${JSON.stringify(this.frames.slice(-3))}`)), timeoutMs);
      this.waiters.push({ match, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  }

  /** Resolves once `count` frames match `match` in total. */
  async waitForCount(match: (f: Frame) => boolean, count: number, timeoutMs = 20_000): Promise<Frame[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.filter(match);
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error(`expected ${count} frames, got ${found.length}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  messages(chatId?: string): Array<Record<string, any>> {
    return this.frames.filter((f) => f.type === 'message' && (!chatId || f.message.chatId === chatId)).map((f) => f.message);
  }

  close(): void {
    this.ws.close();
  }
}
