import { CLOSE, PROTOCOL_VERSION, type PollBody, type PollReply, type ServerFrame } from '@parley/protocol';
import type { Caller, Context } from '../context.js';
import { catchUp } from '../messages/catchUp.js';
import { Connection } from './Connection.js';
import type { ConnectionRegistry } from './ConnectionRegistry.js';
import { PollMailbox } from './PollMailbox.js';

interface Device {
  conn: Connection;
  box: PollMailbox;
  pending: number;
  expiry?: NodeJS.Timeout;
}

/**
 * This node's long-polling devices. Each has one mailbox, registered for fan-out like a
 * WebSocket, from its first poll until `pollMailboxTtlMs` after its last one ended. Tabs of
 * one device share it, each with its own `after`. A pending poll counts as a connection for
 * presence; between polls the presence grace period bridges the gap.
 */
export class PollMailboxes {
  private readonly devices = new Map<string, Device>();
  private nextId = 1;

  constructor(
    private readonly ctx: Context,
    private readonly registry: ConnectionRegistry,
  ) {}

  /** One poll, from arrival to answer. `abandoned` aborts when the client goes away. */
  async poll(caller: Caller, body: PollBody, abandoned: AbortSignal): Promise<PollReply> {
    const device = this.open(caller);
    device.pending++;
    clearTimeout(device.expiry);
    this.ctx.presence.connected(caller.userId);
    try {
      return await this.answer(device, caller, body, abandoned);
    } finally {
      device.pending--;
      this.ctx.presence.disconnected(caller.userId);
      if (device.pending === 0 && device.box.isOpen()) {
        device.expiry = setTimeout(() => device.conn.close(CLOSE.normal, 'mailbox expired'), this.ctx.config.pollMailboxTtlMs);
        device.expiry.unref();
      }
    }
  }

  private open(caller: Caller): Device {
    const existing = this.devices.get(caller.deviceId);
    if (existing?.box.isOpen()) return existing;
    const box = new PollMailbox(this.ctx.config.pollMailboxEvents, () => this.drop(device));
    const device: Device = { conn: new Connection(box, this.nextId++, this.ctx), box, pending: 0 };
    device.conn.caller = caller;
    this.devices.set(caller.deviceId, device);
    this.registry.add(device.conn);
    return device;
  }

  private drop(device: Device): void {
    clearTimeout(device.expiry);
    if (this.devices.get(device.conn.caller!.deviceId) === device) this.devices.delete(device.conn.caller!.deviceId);
    this.registry.remove(device.conn);
  }

  /**
   * At once when there is something to say (missed messages, events after `after`, a new
   * link's `ready`, a closed link); otherwise when something arrives or the hold is over.
   */
  private async answer({ conn, box }: Device, caller: Caller, body: PollBody, abandoned: AbortSignal): Promise<PollReply> {
    const fresh = body.after === undefined;
    const from = fresh ? box.newest : parseAfter(body.after!, conn.key);
    const cursor = (n: number) => `${conn.key}.${n}`;
    if (from === undefined || !box.since(from)) return { after: cursor(box.newest), events: [], chats: [], reset: true };
    const ready: ServerFrame[] = fresh ? [{ type: 'ready', userId: caller.userId, deviceId: caller.deviceId, protocol: PROTOCOL_VERSION, connectionId: conn.key }] : [];
    const hold = Math.min(body.timeoutMs ?? this.ctx.config.pollHoldMs, this.ctx.config.pollHoldMs);
    const deadline = Date.now() + hold;
    for (;;) {
      const change = box.watch();
      const chats = body.cursors ? await catchUp(this.ctx, caller, body.cursors, body.limit, body.changes) : [];
      const events = box.since(from);
      if (!events) {
        change.cancel();
        return { after: cursor(box.newest), events: [], chats, reset: true };
      }
      const left = deadline - Date.now();
      if (fresh || chats.length > 0 || events.length > 0 || box.closedWith || left <= 0 || abandoned.aborted) {
        change.cancel();
        const after = cursor(events.at(-1)?.n ?? from);
        return { after, events: [...ready, ...events.map((e) => e.frame)], chats, ...(box.closedWith ? { close: box.closedWith } : {}) };
      }
      await change.wait(left, abandoned);
    }
  }
}

/** `after` is `<mailbox>.<event number>`; one from another mailbox (expired, or another node's) is no use here. */
function parseAfter(after: string, mailbox: string): number | undefined {
  const dot = after.lastIndexOf('.');
  if (after.slice(0, dot) !== mailbox) return undefined;
  const n = Number(after.slice(dot + 1));
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}
