import type { ReceiptUpdateFrame } from '@parley/protocol';
import type { BusEvent } from '../bus/Bus.js';
import type { Mark, ReceiptOutcome } from './applyReceipts.js';

/**
 * The frames for a committed batch, one pair per moved mark. The member's own devices get
 * `unreadCount` (how a badge clears on the laptop when the phone reads), except the one
 * connection that sent every receipt behind the move: it already knows. Other members get
 * the cursors only in chats up to the detail limit; above it nobody else hears of them.
 */
export function receiptEvents(outcomes: ReceiptOutcome[]): BusEvent[] {
  const marks = new Set<Mark>();
  for (const o of outcomes) if (o.ok && o.mark.moved) marks.add(o.mark);
  const events: BusEvent[] = [];
  for (const mark of marks) {
    const frame: ReceiptUpdateFrame = { type: 'receipt', chatId: mark.chatId, userId: mark.userId, deliveredSeq: mark.deliveredSeq, readSeq: mark.readSeq };
    const others = mark.memberIds?.filter((id) => id !== mark.userId) ?? [];
    if (others.length > 0) events.push({ kind: 'frame', userIds: others, frame });
    events.push({ kind: 'frame', userIds: [mark.userId], frame: { ...frame, unreadCount: mark.unreadCount }, exceptConnection: mark.onlyConnection });
  }
  return events;
}
