import type { WebSocket } from 'ws';
import type { Connection } from './Connection.js';

/** What the heartbeat needs of a connection: its number, and whether it answered the last ping. */
type Beating = Pick<Connection, 'id' | 'alive'>;

/** Each socket is pinged once an interval, by one of this many slices taking turns. */
const SLICES = 20;
/** Pings written in one turn of the event loop: ~2 ms of socket writes here, then others' I/O runs. */
const PINGS_PER_TURN = 100;

/**
 * The node's WebSocket sockets, pinged in slices spread over the heartbeat interval. Pinging all
 * of them at once blocked the event loop for every user of the node: ~150 ms at 10,000 sockets
 * on two cores, each ping one socket write (and the pongs one read each right after). A slice
 * is a twentieth of that, every twentieth of the interval. A socket that has not answered its
 * previous ping, one interval ago, is dead and dropped.
 */
export class Heartbeat<C extends Beating = Connection> {
  private readonly slices = Array.from({ length: SLICES }, () => new Map<C, WebSocket>());
  private readonly timer: NodeJS.Timeout;
  private next = 0;
  private stopped = false;

  constructor(intervalMs: number, private readonly pingsPerTurn = PINGS_PER_TURN) {
    this.timer = setInterval(() => this.beat(), intervalMs / SLICES);
    this.timer.unref();
  }

  get size(): number {
    let n = 0;
    for (const slice of this.slices) n += slice.size;
    return n;
  }

  /** By the connection's number, which counts up: each slice holds as many sockets as any other. */
  add(conn: C, socket: WebSocket): void {
    this.slices[conn.id % SLICES]!.set(conn, socket);
  }

  delete(conn: C): void {
    this.slices[conn.id % SLICES]!.delete(conn);
  }

  *connections(): Iterable<C> {
    for (const slice of this.slices) yield* slice.keys();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private beat(): void {
    const slice = this.slices[this.next]!;
    this.next = (this.next + 1) % SLICES;
    this.ping(slice.entries());
  }

  /**
   * A slice of 1,000 sockets is still ~20 ms of writes (measured at 19,000 sockets): written a
   * hundred per turn, messages and pongs are read in between. A Map's iterator stays valid across
   * turns; sockets closed meanwhile are skipped, and one added meanwhile may get its first ping early.
   */
  private ping(sockets: IterableIterator<[C, WebSocket]>): void {
    for (let n = 0; n < this.pingsPerTurn; n++) {
      const next = sockets.next();
      if (next.done) return;
      const [conn, socket] = next.value;
      if (!conn.alive) {
        socket.terminate();
        continue;
      }
      conn.alive = false;
      socket.ping();
    }
    // A node shutting down closes its sockets right after stop(): no more pings for them.
    setImmediate(() => {
      if (!this.stopped) this.ping(sockets);
    });
  }
}
