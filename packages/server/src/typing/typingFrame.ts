import type { TypingFrame } from '@parley/protocol';
import type { Connection } from '../gateway/Connection.js';
import type { GatewayDeps } from '../gateway/frameHandlers.js';
import { applyTyping } from './applyTyping.js';

/** `typing` start/stop: answers nothing on success, an `error` frame on failure. */
export function typingFrame({ ctx }: GatewayDeps, conn: Connection, frame: TypingFrame): Promise<void> {
  return applyTyping(ctx, { connection: conn.key, userId: conn.caller!.userId, chatId: frame.chatId, state: frame.state, stillOpen: () => conn.open });
}
