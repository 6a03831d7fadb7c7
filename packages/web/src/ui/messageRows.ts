import type { LocalMessage, Message } from '@parley/client';

/** One bubble: a stored message, or an own one still on its way (`local`). */
export interface Row {
  key: string;
  message?: Message;
  local?: LocalMessage;
  senderId: string;
  content: string;
  createdAt: string;
  replyTo?: string;
}

/** Runs of one sender closer than this share a bubble group (one name, one tail). */
const GROUP_GAP_MS = 5 * 60_000;

/**
 * The chat's rows: stored messages by seq (not the hidden ones), then this device's unacked ones. An acked message
 * keeps its row key (the clientMsgId), so it does not flicker when it turns from local to stored.
 */
export function buildRows(messages: readonly Message[], pending: readonly LocalMessage[], me: string): Row[] {
  // "Deleted for me" messages keep their seq in the list (no gap) but show nothing.
  const rows: Row[] = messages.filter((m) => !m.hidden).map((m) => ({
    key: m.senderId === me && m.clientMsgId ? `c:${m.clientMsgId}` : `m:${m.id}`,
    message: m,
    senderId: m.senderId,
    content: m.content,
    createdAt: m.createdAt,
    replyTo: m.replyTo,
  }));
  const stored = new Set(rows.map((r) => r.key));
  for (const local of pending) {
    const key = `c:${local.clientMsgId}`;
    if (stored.has(key)) continue;
    rows.push({ key, local, senderId: me, content: local.content, createdAt: local.createdAt, replyTo: local.replyTo });
  }
  return rows;
}

export function sameGroup(a: Row | undefined, b: Row | undefined): boolean {
  if (!a || !b || a.senderId !== b.senderId) return false;
  return Math.abs(Date.parse(b.createdAt) - Date.parse(a.createdAt)) < GROUP_GAP_MS;
}
