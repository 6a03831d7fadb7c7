import { CLOSE } from '@parley/protocol';
import type { BusEvent, FrameEvent } from '../bus/Bus.js';
import type { Context } from '../context.js';
import { ChatOrder } from './ChatOrder.js';
import { largeFanOutsLast } from './largeFanOutsLast.js';
import type { Connection } from './Connection.js';
import { OutgoingFrame } from './OutgoingFrame.js';

/**
 * This node's authenticated connections of every kind (WebSocket, SSE stream, poll mailbox),
 * by user, and the fan-out of bus events to them: every kind gets exactly the same frames.
 */
export class ConnectionRegistry {
  /** An array, not a Set: nearly every user has one or two connections, and a Set costs far more memory. */
  private readonly byUser = new Map<string, Connection[]>();
  private readonly order?: ChatOrder;
  private count = 0;

  constructor(private readonly ctx: Context) {
    if (ctx.bus.spansNodes) this.order = new ChatOrder((event) => this.send(event), ctx.config.orderHoldMs);
    ctx.bus.subscribe((events) => this.deliver(events));
  }

  get size(): number {
    return this.count;
  }

  /**
   * From now on the connection gets its user's frames. It makes the user online, except a
   * poll mailbox: there each pending poll counts (see PollMailboxes). False if it closed meanwhile.
   */
  add(conn: Connection): boolean {
    // Closed while its token was checked: registering it now would leave it (and its user online) forever.
    if (!conn.open || !conn.caller) return false;
    const userId = conn.caller.userId;
    let conns = this.byUser.get(userId);
    if (!conns) this.byUser.set(userId, (conns = []));
    if (conns.includes(conn)) return true;
    conns.push(conn);
    this.count++;
    this.ctx.metrics.connections.inc({ transport: conn.kind });
    if (conn.kind !== 'poll') this.ctx.presence.connected(userId);
    return true;
  }

  remove(conn: Connection): void {
    if (!conn.caller) return;
    const conns = this.byUser.get(conn.caller.userId);
    const at = conns ? conns.indexOf(conn) : -1;
    if (conns && at >= 0) {
      conns.splice(at, 1);
      this.count--;
      this.ctx.metrics.connections.dec({ transport: conn.kind });
      if (conn.kind !== 'poll') this.ctx.presence.disconnected(conn.caller.userId);
      this.ctx.typing.connectionClosed(conn.key);
    }
    if (conns?.length === 0) this.byUser.delete(conn.caller.userId);
  }

  /** Shutdown: every client is told to reconnect (elsewhere). */
  close(): void {
    this.order?.close();
    for (const conns of [...this.byUser.values()]) {
      for (const conn of [...conns]) conn.close(CLOSE.restarting, 'server restarting');
    }
  }

  private deliver(events: BusEvent[]): void {
    for (const event of largeFanOutsLast(events)) {
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

  /** Serialises each frame once, however many connections it goes to. */
  private send(event: FrameEvent): void {
    let out: OutgoingFrame | undefined;
    for (const userId of event.userIds) {
      const conns = this.byUser.get(userId);
      if (!conns) continue;
      out ??= new OutgoingFrame(event.frame);
      for (const conn of conns) {
        if (conn.key === event.exceptConnection) continue;
        if (event.onlyConnection !== undefined && conn.key !== event.onlyConnection) continue;
        // A pong asked for over REST is the only sign of life an SSE client gives.
        if (event.frame.type === 'pong') conn.alive = true;
        conn.sendPrepared(out);
      }
    }
  }
}
