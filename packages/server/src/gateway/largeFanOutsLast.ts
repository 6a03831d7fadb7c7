import type { ServerFrame } from '@parley/protocol';
import type { BusEvent, FrameEvent } from '../bus/Bus.js';

/** A frame to more users than this takes more than one turn of socket writes (corkedWrite). */
export const LARGE_FAN_OUT = 500;

/**
 * One delivery's events (a commit's, as published) with the large fan-outs moved after the rest,
 * and with them every event of their chats, so that a chat's frames keep the order they were
 * committed in. A message into a big group is thousands of socket writes; the 1:1 messages
 * committed beside it would otherwise be queued behind all of them.
 */
export function largeFanOutsLast(events: BusEvent[], large = LARGE_FAN_OUT): BusEvent[] {
  const isLarge = (e: BusEvent): e is FrameEvent => e.kind === 'frame' && e.userIds.length > large;
  if (!events.some(isLarge)) return events;
  const chats = new Set(events.filter(isLarge).flatMap((e) => chatOf(e.frame) ?? []));
  const goesLast = (e: BusEvent) => e.kind === 'frame' && (e.userIds.length > large || chats.has(chatOf(e.frame) ?? ''));
  return [...events.filter((e) => !goesLast(e)), ...events.filter(goesLast)];
}

function chatOf(frame: ServerFrame): string | undefined {
  if ('chatId' in frame) return frame.chatId;
  if ('message' in frame) return frame.message.chatId;
  if ('chat' in frame) return frame.chat.id;
  return undefined;
}
