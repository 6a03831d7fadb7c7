import http from 'node:http';
import net from 'node:net';

/**
 * An HTTP proxy between SDK clients and the server that behaves like the middleboxes of
 * restrictive networks: `blockWebSockets` refuses every Upgrade request (403), and
 * `blockEventStreams` refuses every response of type `text/event-stream` (502), as proxies do
 * that only pass whole responses. `dropAll()` resets every connection, like a network drop.
 */
export class BlockingProxy {
  blockWebSockets = false;
  /** Resets every Upgrade request's connection at once: the client hears nothing, as on a link that keeps dropping. */
  resetWebSockets = false;
  blockEventStreams = false;
  /** What got through and what was refused, by kind. */
  readonly seen = { upgrades: 0, upgradesRefused: 0, upgradesReset: 0, eventStreams: 0, eventStreamsRefused: 0, requests: 0 };
  private readonly sockets = new Set<net.Socket>();

  private constructor(private readonly server: http.Server, readonly port: number, private readonly target: { host: string; port: number }) {}

  static async start(target: string): Promise<BlockingProxy> {
    const { hostname, port } = new URL(target);
    let proxy!: BlockingProxy;
    const server = http.createServer((req, res) => proxy.forward(req, res));
    server.on('upgrade', (req, socket, head) => proxy.tunnel(req, socket as net.Socket, head));
    server.on('connection', (socket) => proxy.track(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new BlockingProxy(server, (server.address() as net.AddressInfo).port, { host: hostname, port: Number(port) });
    return proxy;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Resets every open connection, on both sides. */
  dropAll(): void {
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.seen.requests++;
    // A fresh upstream connection per request, so dropAll() reaches every request in flight.
    const upstream = http.request({ ...this.target, method: req.method, path: req.url, headers: req.headers, agent: false }, (reply) => {
      if ((reply.headers['content-type'] ?? '').startsWith('text/event-stream')) {
        this.seen.eventStreams++;
        if (this.blockEventStreams) {
          this.seen.eventStreamsRefused++;
          reply.destroy();
          res.writeHead(502, { 'content-type': 'text/plain', connection: 'close' }).end('event streams are not allowed here');
          return;
        }
      }
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    });
    upstream.on('socket', (socket) => this.track(socket));
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }

  private tunnel(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    this.seen.upgrades++;
    if (this.blockWebSockets) {
      this.seen.upgradesRefused++;
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (this.resetWebSockets) {
      this.seen.upgradesReset++;
      socket.resetAndDestroy();
      return;
    }
    const upstream = net.connect(this.target.port, this.target.host, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    this.track(upstream);
    upstream.on('close', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
  }
}
