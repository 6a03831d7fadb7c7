import { describe, expect, it } from 'vitest';
import type { Chat } from '@parley/protocol';
import { Ticks } from '../src/Ticks.js';
import type { LocalMessage } from '../src/Outbox.js';

const ME = 'u-me';
const PEER = 'u-peer';

function chat(peerCursors: { deliveredSeq?: number; readSeq?: number }, members = [ME, PEER]): Chat {
  return {
    id: 'c1', type: 'private', lastSeq: 7, unreadCount: 0, createdAt: '2026-01-01T00:00:00.000Z', muted: false,
    members: members.map((userId) => ({
      userId, username: userId, displayName: userId, role: 'member' as const, joinedAt: '2026-01-01T00:00:00.000Z',
      ...(userId === PEER ? peerCursors : { deliveredSeq: 7, readSeq: 7 }),
    })),
  };
}

function tracked(): { ticks: Ticks; statuses: string[] } {
  const statuses: string[] = [];
  const ticks = new Ticks(() => ME, (local) => statuses.push(local.status));
  const local: LocalMessage = { clientMsgId: 'm1', chatId: 'c1', type: 'text', content: 'hi', createdAt: '', status: 'sending', seq: 7 };
  ticks.track(local);
  return { ticks, statuses };
}

describe('ticks', () => {
  it('keeps a receipt that arrives before its chat, and applies it when the chat list (read earlier) comes', () => {
    const { ticks, statuses } = tracked();
    ticks.receipt({ chatId: 'c1', userId: PEER, deliveredSeq: 7, readSeq: 7 });
    ticks.setChat(chat({ deliveredSeq: 7, readSeq: 6 }));
    expect(statuses).toEqual(['sent', 'read']);
  });

  it('keeps a receipt from a member the known list lacks until a list with that member comes', () => {
    const { ticks, statuses } = tracked();
    ticks.setChat(chat({}, [ME]));
    ticks.receipt({ chatId: 'c1', userId: PEER, deliveredSeq: 7, readSeq: 0 });
    expect(statuses).toEqual(['sent']);
    ticks.setChat(chat({ deliveredSeq: 3, readSeq: 0 }));
    expect(statuses).toEqual(['sent', 'delivered']);
  });

  it('never moves a cursor back when an older list follows a receipt', () => {
    const { ticks, statuses } = tracked();
    ticks.setChat(chat({ deliveredSeq: 0, readSeq: 0 }));
    ticks.receipt({ chatId: 'c1', userId: PEER, deliveredSeq: 7, readSeq: 0 });
    ticks.setChat(chat({ deliveredSeq: 2, readSeq: 0 }));
    expect(statuses).toEqual(['sent', 'delivered']);
    expect(ticks.statusOf('c1', 7, ME)).toBe('delivered');
  });

  it('forgets early receipts of a chat that was removed', () => {
    const { ticks, statuses } = tracked();
    ticks.receipt({ chatId: 'c1', userId: PEER, deliveredSeq: 7, readSeq: 7 });
    ticks.removeChat('c1');
    ticks.setChat(chat({ deliveredSeq: 0, readSeq: 0 }));
    expect(ticks.statusOf('c1', 7, ME)).toBe('sent');
  });
});
