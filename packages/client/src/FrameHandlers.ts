import type { ServerFrame } from '@parley/protocol';
import type { ChatDirectory } from './ChatDirectory.js';
import type { Delivery } from './Delivery.js';
import type { Emitter } from './Emitter.js';
import type { ClientEvents } from './ParleyClientOptions.js';

/** One handler per server frame type: a new type in the protocol does not compile until it has one here. */
type Table = { [T in ServerFrame['type']]: (frame: Extract<ServerFrame, { type: T }>) => void };

/**
 * What each server frame does: messages, acks and errors go to delivery, chats to the
 * directory, the rest to the app as events. Delivery is asked for on each frame, since it is
 * replaced when another user signs in on the store.
 */
export class FrameHandlers {
  private readonly table: Table;

  constructor(delivery: () => Delivery, directory: ChatDirectory, events: Emitter<ClientEvents>) {
    this.table = {
      ready: () => {},
      pong: () => {},
      ack: (f) => delivery().ack(f),
      message: (f) => delivery().take(f.message.chatId, [f.message]),
      synced: (f) => delivery().catchUp.synced(f),
      error: (f) => delivery().error(f),
      chat: (f) => directory.update(f.chat),
      'chat.removed': (f) => directory.remove(f.chatId),
      'message.updated': (f) => events.emit('message.updated', f.message),
      receipt: ({ type: _t, ...r }) => (delivery().ticks.receipt(r), events.emit('receipt', r)),
      typing: ({ type: _t, ...t }) => events.emit('typing', t),
      presence: ({ type: _t, ...p }) => events.emit('presence', p),
      profile: (f) => events.emit('profile', f.profile),
    };
  }

  /** A frame of a type this SDK does not know (from a newer server) is ignored. */
  handle(frame: ServerFrame): void {
    (this.table[frame.type] as ((f: ServerFrame) => void) | undefined)?.(frame);
  }
}
