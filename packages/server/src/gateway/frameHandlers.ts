import { CLOSE, PROTOCOL_VERSION, type ClientFrame, type SendFrame, type SyncFrame } from '@parley/protocol';
import { AppError } from '../errors.js';
import { authenticate } from '../accounts/authenticate.js';
import { checkMessageInput } from '../messages/checkMessageInput.js';
import { catchUp } from '../messages/catchUp.js';
import type { MessageWriter } from '../messages/MessageWriter.js';
import type { Context } from '../context.js';
import type { Connection } from './Connection.js';
import { receiptFrame } from '../receipts/receiptFrame.js';
import { typingFrame } from '../typing/typingFrame.js';

export interface GatewayDeps {
  ctx: Context;
  writer: MessageWriter;
  /** Puts an authenticated connection into the fan-out registry. */
  register(conn: Connection): void;
}

type Handler<F extends ClientFrame> = (deps: GatewayDeps, conn: Connection, frame: F) => Promise<void> | void;

/** One handler per frame type. `auth` is only valid first; the rest only after it. */
export const FRAME_HANDLERS: { [T in ClientFrame['type']]: Handler<Extract<ClientFrame, { type: T }>> } = {
  async auth({ ctx, register }, conn, frame) {
    if (conn.caller) throw new AppError('invalid_request', 'type: already authenticated');
    try {
      conn.caller = await authenticate(ctx, frame.token);
    } catch (err) {
      const error = err instanceof AppError ? err : new AppError('unauthorized', 'invalid access token');
      conn.sendError(error.toBody());
      conn.close(CLOSE.unauthorized, error.message);
      return;
    }
    // Registered before `ready`, so a `sync` sent after it cannot miss a message committed in between.
    register(conn);
    conn.send({ type: 'ready', userId: conn.caller.userId, deviceId: conn.caller.deviceId, protocol: PROTOCOL_VERSION });
  },

  async send({ writer }, conn, frame: SendFrame) {
    checkMessageInput(frame.message);
    const result = await writer.send({ caller: conn.caller!, chatId: frame.chatId, clientMsgId: frame.clientMsgId, input: frame.message, ackedConnection: conn.key });
    if (result.ok) conn.send({ type: 'ack', clientMsgId: frame.clientMsgId, message: result.message });
    else conn.sendError(result.error.toBody(), frame.clientMsgId);
  },

  async sync({ ctx }, conn, frame: SyncFrame) {
    const chats = await catchUp(ctx, conn.caller!, frame.cursors, frame.limit, frame.changes);
    conn.send({ type: 'synced', chats });
  },

  ping(_deps, conn) {
    conn.send({ type: 'pong' });
  },

  receipt: receiptFrame,
  typing: typingFrame,
};
