import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerFrame } from '@parley/protocol';
import type { BusEvent } from '../src/bus/Bus.js';
import { largeFanOutsLast } from '../src/gateway/largeFanOutsLast.js';
import { registerUser } from './support/api.js';
import { startServer, type TestServer } from './support/server.js';
import { TestSocket } from './support/socket.js';

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

describe('a node delivering a commit with a large fan-out', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.close());

  it('writes the 1:1 frame committed after a big group’s message to a member of both before the group’s', async () => {
    const user = await registerUser(server.baseUrl);
    const socket = await TestSocket.connect(server.wsUrl, user.accessToken);
    const others = users(600);
    // One delivery, as a commit publishes it: the group's message first, then the 1:1 message.
    server.parley.ctx.bus.publish([
      { kind: 'frame', userIds: [...others, user.id], frame: { type: 'message', message: { chatId: 'big-group', seq: 7 } } as ServerFrame },
      { kind: 'frame', userIds: [user.id, 'someone'], frame: { type: 'message', message: { chatId: 'dm', seq: 3 } } as ServerFrame },
    ]);
    await socket.waitForCount((f) => f.type === 'message', 2);
    expect(socket.frames.filter((f) => f.type === 'message').map((f) => f.message.chatId)).toEqual(['dm', 'big-group']);
    socket.close();
  });
});
