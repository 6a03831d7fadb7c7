import type { Bus } from '../bus/Bus.js';

/** A `start` from one connection for one chat is fanned out at most this often; extras are dropped. */
export const TYPING_START_INTERVAL_MS = 1000;

/** One user typing in one chat, on one or more of their connections. */
interface Typist {
  chatId: string;
  userId: string;
  /** The other members, as of the latest `start`; they get the `stop` too. */
  recipients: string[];
  connections: Set<string>;
}

/** One connection typing in one chat: it stops by itself unless a `start` comes within the TTL. */
interface TypingConnection {
  typist: Typist;
  fannedOutAt: number;
  expiry: NodeJS.Timeout;
}

/**
 * Who is typing where, on this node. Nothing is stored: a frame goes to the other members'
 * devices, and `stop` follows when the typist says so, falls silent for the TTL, or closes the
 * connection. Others see a user typing while any of that user's connections is, so one device
 * stopping does not hide another that still types. Every entry has exactly one timer and is
 * removed with it, so memory is bounded by the connections typing right now.
 */
export class Typing {
  private readonly typists = new Map<string, Typist>();
  private readonly byConnection = new Map<string, Map<string, TypingConnection>>();

  constructor(
    private readonly bus: Bus,
    private readonly ttlMs: number,
  ) {}

  /** True when this connection's last `start` in the chat went out less than a second ago. */
  isThrottled(connection: string, chatId: string): boolean {
    const typing = this.byConnection.get(connection)?.get(chatId);
    return typing !== undefined && Date.now() - typing.fannedOutAt < TYPING_START_INTERVAL_MS;
  }

  /** Keeps this connection typing in the chat for another TTL, without telling anyone again. */
  refresh(connection: string, chatId: string): void {
    this.byConnection.get(connection)?.get(chatId)?.expiry.refresh();
  }

  isTyping(connection: string, chatId: string): boolean {
    return this.byConnection.get(connection)?.has(chatId) ?? false;
  }

  /** Membership is the caller's to check; `recipients` are the other members. */
  start(connection: string, userId: string, chatId: string, recipients: string[]): void {
    // Both ids come from the store (the chat was just loaded), so they hold no space.
    const key = `${chatId} ${userId}`;
    let typist = this.typists.get(key);
    if (!typist) this.typists.set(key, (typist = { chatId, userId, recipients, connections: new Set() }));
    typist.recipients = recipients;
    typist.connections.add(connection);

    let chats = this.byConnection.get(connection);
    if (!chats) this.byConnection.set(connection, (chats = new Map()));
    const typing = chats.get(chatId);
    if (typing) {
      typing.fannedOutAt = Date.now();
      typing.expiry.refresh();
    } else {
      const expiry = setTimeout(() => this.stop(connection, chatId), this.ttlMs);
      expiry.unref();
      chats.set(chatId, { typist, fannedOutAt: Date.now(), expiry });
    }
    this.publish(typist, 'start');
  }

  /** Ends this connection's typing in the chat; others see `stop` once none of the user's connections types there. */
  stop(connection: string, chatId: string): void {
    const chats = this.byConnection.get(connection);
    const typing = chats?.get(chatId);
    if (!chats || !typing) return;
    clearTimeout(typing.expiry);
    chats.delete(chatId);
    if (chats.size === 0) this.byConnection.delete(connection);
    const { typist } = typing;
    typist.connections.delete(connection);
    if (typist.connections.size > 0) return;
    this.typists.delete(`${typist.chatId} ${typist.userId}`);
    this.publish(typist, 'stop');
  }

  connectionClosed(connection: string): void {
    for (const chatId of [...(this.byConnection.get(connection)?.keys() ?? [])]) this.stop(connection, chatId);
  }

  close(): void {
    for (const chats of this.byConnection.values()) {
      for (const typing of chats.values()) clearTimeout(typing.expiry);
    }
    this.byConnection.clear();
    this.typists.clear();
  }

  private publish(typist: Typist, state: 'start' | 'stop'): void {
    if (typist.recipients.length === 0) return;
    this.bus.publish([
      { kind: 'frame', userIds: typist.recipients, frame: { type: 'typing', chatId: typist.chatId, userId: typist.userId, state } },
    ]);
  }
}
