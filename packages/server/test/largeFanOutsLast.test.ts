import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '@parley/protocol';
import type { BusEvent } from '../src/bus/Bus.js';
import { largeFanOutsLast } from '../src/gateway/largeFanOutsLast.js';

const users = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);
const message = (chatId: string, seq: number, to: number): BusEvent => ({
  kind: 'frame', userIds: users(to), frame: { type: 'message', message: { chatId, seq } } as ServerFrame,
});
const label = (e: BusEvent) =>
  e.kind === 'revoke' ? `revoke ${e.userId}` : e.frame.type === 'message' ? `${e.frame.message.chatId}#${e.frame.message.seq}` : `${e.frame.type}`;

describe('large fan-outs last', () => {
  it('moves a commit’s large fan-outs, and every event of their chats, after the rest, keeping each part’s order', () => {
    const events: BusEvent[] = [
      message('group', 7, 600),
      message('dm1', 3, 2),
      { kind: 'frame', userIds: users(3), frame: { type: 'chat.removed', chatId: 'group' } },
      message('dm2', 9, 2),
      { kind: 'revoke', userId: 'u1', deviceId: 'd1' },
      message('group', 8, 599),
      { kind: 'frame', userIds: users(2), frame: { type: 'presence', userId: 'u9', status: 'online' } },
      message('dm1', 4, 2),
    ];
    expect(largeFanOutsLast(events, 500).map(label)).toEqual(['dm1#3', 'dm2#9', 'revoke u1', 'presence', 'dm1#4', 'group#7', 'chat.removed', 'group#8']);
  });

  it('leaves a delivery with no large fan-out as it is', () => {
    const events = [message('a', 1, 500), message('b', 1, 2), message('a', 2, 500)];
    expect(largeFanOutsLast(events, 500)).toBe(events);
  });

  it('moves a large frame of no chat (presence to many contacts) last as well', () => {
    const events: BusEvent[] = [{ kind: 'frame', userIds: users(501), frame: { type: 'presence', userId: 'u9', status: 'online' } }, message('dm', 1, 2)];
    expect(largeFanOutsLast(events, 500).map(label)).toEqual(['dm#1', 'presence']);
  });
});
