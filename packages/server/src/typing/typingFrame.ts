import type { TypingFrame } from '@parley/protocol';
import type { Connection } from '../gateway/Connection.js';
import type { GatewayDeps } from '../gateway/frameHandlers.js';
import { loadTypingRecipients } from './loadTypingRecipients.js';

/**
 * `typing` start/stop. A throttled `start` and a `stop` of typing that was checked at its
 * `start` need no lookup; every other frame is checked against membership first.
 */
export async function typingFrame({ ctx }: GatewayDeps, conn: Connection, frame: TypingFrame): Promise<void> {
  const { typing } = ctx;
  const { userId } = conn.caller!;
  if (frame.state === 'start' && typing.isThrottled(conn.key, frame.chatId)) {
    // Still a sign of life: it keeps the indicator on, it just is not fanned out again.
    typing.refresh(conn.key, frame.chatId);
    return;
  }
  if (frame.state === 'stop' && typing.isTyping(conn.key, frame.chatId)) {
    typing.stop(conn.key, frame.chatId);
    return;
  }
  const recipients = await loadTypingRecipients(ctx.store.db, frame.chatId, userId);
  // A connection that closed during the lookup has already had its typing cleared: do not start anew.
  if (frame.state === 'stop' || conn.socket.readyState !== conn.socket.OPEN) return;
  typing.start(conn.key, userId, frame.chatId, recipients);
}
