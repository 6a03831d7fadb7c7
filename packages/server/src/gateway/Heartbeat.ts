import type { WebSocket } from 'ws';
import type { Connection } from './Connection.js';

/** Each socket is pinged once an interval, by one of this many slices taking turns. */
const SLICES = 20;

/**
 * The node's WebSocket sockets, pinged in slices spread over the heartbeat interval. Pinging all
 * of them at once blocked the event loop for every user of the node: ~150 ms at 10,000 sockets
 * on two cores, each ping one socket write (and the pongs one read each right after). A slice
 * is a twentieth of that, every twentieth of the interval. A socket that has not answered its
 * previous ping, one interval ago, is dead and dropped.
 */
export class Heartbeat {
  private readonly slices = Array.from({ length: SLICES }, () => new Map<Connection, WebSocket>());
  private readonly timer: NodeJS.Timeout;
  private next = 0;

  constructor(intervalMs: number) {
    this.timer = setInterval(() => this.beat(), intervalMs / SLICES);
    this.timer.unref();
  }

  get size(): number {
    let n = 0;
    for (const slice of this.slices) n += slice.size;
    return n;
  }

  /** By the connection's number, which counts up: each slice holds as many sockets as any other. */
  add(conn: Connection, socket: WebSocket): void {
    this.slices[conn.id % SLICES]!.set(conn, socket);
  }

  delete(conn: Connection): void {
    this.slices[conn.id % SLICES]!.delete(conn);
  }

  *connections(): Iterable<Connection> {
    for (const slice of this.slices) yield* slice.keys();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private beat(): void {
    const slice = this.slices[this.next]!;
    this.next = (this.next + 1) % SLICES;
    for (const [conn, socket] of slice) {
      if (!conn.alive) {
        socket.terminate();
        continue;
      }
      conn.alive = false;
      socket.ping();
    }
  }
}
