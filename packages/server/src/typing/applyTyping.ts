import type { Context } from '../context.js';
import { loadTypingRecipients } from './loadTypingRecipients.js';

export interface TypingRequest {
  /** Whose typing this is: a connection key, or a device for typing over REST. */
  connection: string;
  userId: string;
  chatId: string;
  state: 'start' | 'stop';
  /** False once the connection closed (its typing was cleared then and must not start anew). */
  stillOpen(): boolean;
}

/**
 * A typing `start` or `stop`, from a frame or over REST. A throttled `start` and a `stop` of
 * typing that was checked at its `start` need no lookup; every other one is checked against
 * membership first.
 */
export async function applyTyping(ctx: Context, req: TypingRequest): Promise<void> {
  const { typing } = ctx;
  if (req.state === 'start' && typing.isThrottled(req.connection, req.chatId)) {
    // Still a sign of life: it keeps the indicator on, it just is not fanned out again.
    typing.refresh(req.connection, req.chatId);
    return;
  }
  if (req.state === 'stop' && typing.isTyping(req.connection, req.chatId)) {
    typing.stop(req.connection, req.chatId);
    return;
  }
  const recipients = await loadTypingRecipients(ctx.store.db, req.chatId, req.userId);
  if (req.state === 'stop' || !req.stillOpen()) return;
  typing.start(req.connection, req.userId, req.chatId, recipients);
}
