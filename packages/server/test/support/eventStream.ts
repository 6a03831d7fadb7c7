type Frame = Record<string, any> & { type: string };

export interface StreamEnd {
  /** The data of the `close` event, when the server said goodbye before ending the stream. */
  close?: { code: number; reason: string };
}

/** A raw Server-Sent Events client (fetch, as the SDK and browsers read it) that records every frame. */
export class TestEventStream {
  readonly frames: Frame[] = [];
  comments = 0;
  readonly ended: Promise<StreamEnd>;
  private waiters: Array<{ match: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];
  private readonly abort: AbortController;

  private constructor(readonly response: Response, abort: AbortController) {
    this.abort = abort;
    this.ended = this.read();
  }

  /** Opens `GET /api/v1/events`; a refused request comes back as its status and JSON body. */
  static async open(baseUrl: string, auth: { token?: string; queryToken?: string } = {}): Promise<TestEventStream | { status: number; body: any }> {
    const abort = new AbortController();
    const query = auth.queryToken ? `?access_token=${encodeURIComponent(auth.queryToken)}` : '';
    const res = await fetch(`${baseUrl}/api/v1/events${query}`, {
      headers: { accept: 'text/event-stream', ...(auth.token ? { authorization: `Bearer ${auth.token}` } : {}) },
      signal: abort.signal,
    });
    if (!res.ok) return { status: res.status, body: await res.json() };
    return new TestEventStream(res, abort);
  }

  /** Opens with a bearer token; resolves after `ready`. */
  static async connect(baseUrl: string, token: string): Promise<TestEventStream> {
    const stream = await TestEventStream.open(baseUrl, { token });
    if (!(stream instanceof TestEventStream)) throw new Error(`events refused: ${stream.status} ${JSON.stringify(stream.body)}`);
    await stream.next((f) => f.type === 'ready', 10_000, true);
    return stream;
  }

  get connectionId(): string {
    return this.frames.find((f) => f.type === 'ready')!.connectionId;
  }

  next(match: (f: Frame) => boolean, timeoutMs = 10_000, includePast = false): Promise<Frame> {
    if (includePast) {
      const seen = this.frames.find(match);
      if (seen) return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for an event; last: ${JSON.stringify(this.frames.slice(-3))}`)), timeoutMs);
      this.waiters.push({ match, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  }

  messages(chatId?: string): Array<Record<string, any>> {
    return this.frames.filter((f) => f.type === 'message' && (!chatId || f.message.chatId === chatId)).map((f) => f.message);
  }

  close(): void {
    this.abort.abort();
  }

  private async read(): Promise<StreamEnd> {
    const decoder = new TextDecoder();
    let buffer = '';
    let event = 'message';
    let data: string[] = [];
    try {
      for await (const chunk of this.response.body! as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, '');
          buffer = buffer.slice(newline + 1);
          if (line === '') {
            if (event === 'close') return { close: JSON.parse(data.join('\n')) };
            if (data.length > 0) this.receive(JSON.parse(data.join('\n')) as Frame);
            [event, data] = ['message', []];
          } else if (line.startsWith(':')) this.comments++;
          else if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
      }
    } catch {
      // Aborted or reset: no goodbye.
    }
    return {};
  }

  private receive(frame: Frame): void {
    this.frames.push(frame);
    this.waiters = this.waiters.filter((w) => (w.match(frame) ? (w.resolve(frame), false) : true));
  }
}
