import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { CLOSE, type ClientFrame } from '@parley/protocol';
import { AppError } from '../errors.js';
import type { Context } from '../context.js';
import type { MessageWriter } from '../messages/MessageWriter.js';
import { Connection } from './Connection.js';
import { Heartbeat } from './Heartbeat.js';
import type { ConnectionRegistry } from './ConnectionRegistry.js';
import { WebSocketSink } from './WebSocketSink.js';
import { checkFrame, refOf } from './checkFrame.js';
import { FRAME_HANDLERS, type GatewayDeps } from './frameHandlers.js';

export const WS_PATH = '/api/v1/ws/chat';

const CONNECTION = Symbol('connection');
type ConnectedSocket = WebSocket & { [CONNECTION]: Connection };

const connectionOf = (socket: WebSocket) => (socket as ConnectedSocket)[CONNECTION];

function authTimedOut(conn: Connection): void {
  if (conn.caller) return;
  conn.sendError({ code: 'unauthorized', message: 'no auth frame in time' });
  conn.close(CLOSE.unauthorized, 'auth timeout');
}

/** This node's WebSocket connections: accepting, authenticating, frames in, heartbeat. Fan-out is the registry's. */
export class Gateway {
  private readonly wss: WebSocketServer;
  /** Every socket, authenticated or not, and their heartbeat. */
  private readonly sockets: Heartbeat;
  private readonly deps: GatewayDeps;
  private nextId = 1;

  constructor(private readonly ctx: Context, writer: MessageWriter, private readonly registry: ConnectionRegistry) {
    // `sockets` tracks every socket; ws's own client set would be a second entry per connection.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: ctx.config.maxFrameBytes, perMessageDeflate: false, clientTracking: false });
    this.deps = { ctx, writer, register: (conn) => void registry.add(conn) };
    this.sockets = new Heartbeat(ctx.config.heartbeatIntervalMs);
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (new URL(req.url ?? '/', 'http://x').pathname !== WS_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, socket));
    });
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Tells every client to reconnect (elsewhere) and stops the heartbeat. */
  async close(): Promise<void> {
    this.sockets.stop();
    for (const conn of this.sockets.connections()) conn.close(CLOSE.restarting, 'server restarting');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(socket: WebSocket, stream: Duplex): void {
    const conn = new Connection(new WebSocketSink(socket, stream), this.nextId++, this.ctx);
    (socket as ConnectedSocket)[CONNECTION] = conn;
    this.sockets.add(conn, socket);
    conn.authTimer = setTimeout(authTimedOut, this.ctx.config.authTimeoutMs, conn);
    socket.on('message', this.listeners.message);
    socket.on('pong', this.listeners.pong);
    socket.on('error', this.listeners.error);
    socket.on('close', this.listeners.close);
  }

  /**
   * One set for every socket: each finds its connection on the socket (`this`). Four closures per
   * connection and their shared scope were 265 of the ~4.5 KB of heap an idle connection takes.
   */
  private readonly listeners = ((gateway: Gateway) => ({
    message(this: WebSocket, data: RawData, isBinary: boolean) {
      gateway.received(connectionOf(this), data, isBinary);
    },
    pong(this: WebSocket) {
      connectionOf(this).alive = true;
    },
    error(this: WebSocket, err: Error) {
      gateway.ctx.log.debug({ err, conn: connectionOf(this).id }, 'socket error');
    },
    close(this: WebSocket) {
      gateway.closed(connectionOf(this));
    },
  }))(this);

  /** Frames are handled one after another per connection, so a `send` right behind `auth` waits for it. */
  private received(conn: Connection, data: RawData, isBinary: boolean): void {
    conn.alive = true;
    conn.inbound = conn.inbound.then(async () => {
      await this.onFrame(conn, data, isBinary);
      // Once authenticated the timer is done with; dropped, it is not kept as long as the socket.
      if (conn.authTimer && conn.caller) (clearTimeout(conn.authTimer), (conn.authTimer = undefined));
    });
  }

  private closed(conn: Connection): void {
    clearTimeout(conn.authTimer);
    this.sockets.delete(conn);
    this.registry.remove(conn);
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
}
