import type { ReceiptFrame } from '@parley/protocol';
import type { Connection } from '../gateway/Connection.js';
import type { GatewayDeps } from '../gateway/frameHandlers.js';

/**
 * `receipt`: answers nothing on success and an `error` frame on failure. Deliberately not
 * awaited (the gateway awaits handlers that return a promise): a client that marks many
 * chats at once then gets one commit for all of them, not one commit per frame.
 */
export function receiptFrame({ ctx }: GatewayDeps, conn: Connection, frame: ReceiptFrame): void {
  const req = { caller: conn.caller!, chatId: frame.chatId, seq: frame.seq, status: frame.status, fromConnection: conn.key };
  void ctx.receipts.mark(req).then((result) => {
    if (!result.ok) conn.sendError(result.error.toBody());
  });
}
