import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { CLOSE, type ClientFrame } from '@parley/protocol';
import { AppError } from '../errors.js';
import type { BusEvent, FrameEvent } from '../bus/Bus.js';
import { ChatOrder } from './ChatOrder.js';
import type { Context } from '../context.js';
import type { MessageWriter } from '../messages/MessageWriter.js';
import { Connection } from './Connection.js';
import { checkFrame, refOf } from './checkFrame.js';
import { FRAME_HANDLERS, type GatewayDeps } from './frameHandlers.js';

export const WS_PATH = '/api/v1/ws/chat';

/** This node's WebSocket connections, and the fan-out of bus events to them. */
export class Gateway {
  private readonly wss: WebSocketServer;
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly all = new Set<Connection>();
  private readonly deps: GatewayDeps;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly order?: ChatOrder;
  private nextId = 1;

  constructor(private readonly ctx: Context, writer: MessageWriter) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: ctx.config.maxFrameBytes, perMessageDeflate: false });
    this.deps = { ctx, writer, register: (conn) => this.register(conn) };
    if (ctx.bus.spansNodes) this.order = new ChatOrder((event) => this.send(event), ctx.config.orderHoldMs);
    ctx.bus.subscribe((events) => this.deliver(events));
    this.heartbeat = setInterval(() => this.beat(), ctx.config.heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (new URL(req.url ?? '/', 'http://x').pathname !== WS_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
  }

  get connectionCount(): number {
    return this.all.size;
  }

  /** Tells every client to reconnect (elsewhere) and stops the heartbeat. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    this.order?.close();
    for (const conn of this.all) conn.close(CLOSE.restarting, 'server restarting');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(socket: WebSocket): void {
    const conn = new Connection(socket, this.nextId++, this.ctx);
    this.all.add(conn);
    const authTimer = setTimeout(() => {
      if (conn.caller) return;
      conn.sendError({ code: 'unauthorized', message: 'no auth frame in time' });
      conn.close(CLOSE.unauthorized, 'auth timeout');
    }, this.ctx.config.authTimeoutMs);
    // Frames are handled one after another per connection, so a `send` right behind `auth` waits for it.
    let chain: Promise<void> = Promise.resolve();
    socket.on('message', (data: RawData, isBinary: boolean) => {
      conn.alive = true;
      chain = chain.then(() => this.onFrame(conn, data, isBinary));
    });
    socket.on('pong', () => (conn.alive = true));
    socket.on('error', (err) => this.ctx.log.debug({ err, conn: conn.id }, 'socket error'));
    socket.on('close', () => {
      clearTimeout(authTimer);
      this.unregister(conn);
    });
  }

  private async onFrame(conn: Connection, data: RawData, isBinary: boolean): Promise<void> {
    const text = isBinary ? '' : data.toString();
    let frame: ClientFrame | undefined;
    try {
      if (isBinary) throw new AppError('invalid_request', 'frame must be text (JSON), not binary');
      if (!conn.bucket.take()) {
        throw new AppError('rate_limited', `too many frames; retry in ${conn.bucket.retryAfterSec()} s`, conn.bucket.retryAfterSec());
      }
      frame = checkFrame(text);
      this.ctx.metrics.framesIn.inc({ type: frame.type });
      if (!conn.caller && frame.type !== 'auth') {
        conn.sendError({ code: 'unauthorized', message: 'the first frame must be {"type":"auth","token":…}' });
        conn.close(CLOSE.unauthorized, 'not authenticated');
        return;
      }
      const handler = FRAME_HANDLERS[frame.type] as (d: GatewayDeps, c: Connection, f: ClientFrame) => Promise<void> | void;
      // Sends are not awaited: the writer batches them, and it keeps their order.
      const pending = handler(this.deps, conn, frame);
      if (frame.type !== 'send') await pending;
      else void Promise.resolve(pending).catch((err) => this.reply(conn, err, text));
    } catch (err) {
      this.reply(conn, err, text);
    }
  }

  private reply(conn: Connection, err: unknown, text: string): void {
    if (!(err instanceof AppError)) this.ctx.log.error({ err, conn: conn.id }, 'frame handler failed');
    const error = err instanceof AppError ? err : new AppError('internal_error', 'internal error');
    if (!conn.caller) {
      // Anything wrong before authentication (a malformed auth frame, say) ends the connection.
      conn.sendError({ code: 'unauthorized', message: error.message });
      conn.close(CLOSE.unauthorized, 'not authenticated');
      return;
    }
    conn.sendError(error.toBody(), refOf(text));
  }

  private register(conn: Connection): void {
    // Closed while its token was checked: registering it now would leave it (and its user online) forever.
    if (!this.all.has(conn)) return;
    const userId = conn.caller!.userId;
    let set = this.byUser.get(userId);
    if (!set) this.byUser.set(userId, (set = new Set()));
    set.add(conn);
    this.ctx.metrics.connections.inc();
    this.ctx.presence.connected(userId);
  }

  private unregister(conn: Connection): void {
    this.all.delete(conn);
    if (!conn.caller) return;
    const set = this.byUser.get(conn.caller.userId);
    if (set?.delete(conn)) {
      this.ctx.metrics.connections.dec();
      this.ctx.presence.disconnected(conn.caller.userId);
      this.ctx.typing.connectionClosed(conn.key);
    }
    if (set?.size === 0) this.byUser.delete(conn.caller.userId);
  }

  private deliver(events: BusEvent[]): void {
    for (const event of events) {
      if (event.kind === 'frame') {
        if (this.order) this.order.accept(event);
        else this.send(event);
        continue;
      }
      for (const conn of this.byUser.get(event.userId) ?? []) {
        if (conn.caller?.deviceId === event.deviceId) conn.close(CLOSE.sessionRevoked, 'session revoked');
      }
    }
  }

  /** Serialises each frame once, however many sockets it goes to. */
  private send(event: FrameEvent): void {
    let data: string | undefined;
    for (const userId of event.userIds) {
      const conns = this.byUser.get(userId);
      if (!conns) continue;
      data ??= JSON.stringify(event.frame);
      for (const conn of conns) {
        if (conn.key !== event.exceptConnection) conn.sendRaw(data);
      }
    }
  }

  /** A socket that has not answered the previous ping is dead: drop it. */
  private beat(): void {
    for (const conn of this.all) {
      if (!conn.alive) {
        conn.socket.terminate();
        continue;
      }
      conn.alive = false;
      conn.socket.ping();
    }
  }
}
