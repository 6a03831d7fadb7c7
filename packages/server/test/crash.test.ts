import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Message } from '@parley/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { api, createGroup, openPrivateChat, registerUser, type TestUser } from './support/api.js';
import { TestSocket } from './support/socket.js';
import { tempDir } from './support/server.js';
import { freePort, killAllChildren, startChild, type ChildServer } from './support/childServer.js';

/** Unacked sends each client keeps in flight: deep enough that a kill always strands some. */
const WINDOW = 200;

const dataDir = tempDir();
afterAll(async () => {
  await killAllChildren();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Sent {
  clientMsgId: string;
  /** `<sender>#<n>`: n is the position in this sender's first-send order. */
  content: string;
  ack?: Message;
}

/** One client device: everything it ever tried to send, in first-send order, and what got acked. */
class Sender {
  readonly sent: Sent[] = [];
  readonly byClientId = new Map<string, Sent>();
  readonly problems: string[] = [];
  constructor(readonly name: string, readonly user: TestUser, readonly chatId: string) {}

  create(): Sent {
    const m: Sent = { clientMsgId: crypto.randomUUID(), content: `${this.name}#${this.sent.length}` };
    this.sent.push(m);
    this.byClientId.set(m.clientMsgId, m);
    return m;
  }

  unacked(): Sent[] {
    return this.sent.filter((m) => !m.ack);
  }
}

interface Control {
  halted: boolean;
  acks: number;
  onAck(): void;
}

/**
 * Every sender is connected before any sends, so a kill on the first ack cannot catch one of
 * them still authenticating. Not TestSocket.connect: it checks the *last* frame for `ready`,
 * and in a busy group a `message` frame can already be behind it.
 */
async function connectAll(server: ChildServer, senders: Sender[]): Promise<TestSocket[]> {
  return Promise.all(
    senders.map(async (s) => {
      const socket = await TestSocket.open(server.wsUrl);
      socket.ws.on('error', () => {}); // ECONNRESET is the point of this test, not a failure
      socket.send({ type: 'auth', token: s.user.accessToken });
      const ready = await socket.next((f) => f.type === 'ready' || f.type === 'error');
      if (ready.type !== 'ready') throw new Error(`${s.name} auth failed: ${JSON.stringify(ready)}`);
      return socket;
    }),
  );
}

/**
 * Keeps up to WINDOW sends of `s` unacked: first its unacked backlog, with the same clientMsgId
 * and content as a client resends after a reconnect, then, if `fresh`, new messages until
 * halted. Resolves once the backlog is sent and everything sent is acked.
 */
function pump(socket: TestSocket, s: Sender, fresh: boolean, ctl: Control): Promise<void> {
  const backlog = s.unacked();
  let inFlight = 0;
  let finish!: () => void;
  let fail!: (err: Error) => void;
  const done = new Promise<void>((resolve, reject) => ((finish = resolve), (fail = reject)));
  done.catch(() => {}); // crash cycles never await it; problems are asserted separately
  const fill = () => {
    while (!ctl.halted && inFlight < WINDOW) {
      const m = backlog.shift() ?? (fresh ? s.create() : undefined);
      if (!m) break;
      inFlight++;
      sendMessage(socket, s, m);
    }
    if (!fresh && inFlight === 0 && backlog.length === 0) finish();
  };
  socket.ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { type: string; clientMsgId?: string; message?: Message };
    if (frame.type === 'error') {
      s.problems.push(`error frame: ${data.toString()}`);
      return fail(new Error(`${s.name}: ${data.toString()}`));
    }
    if (frame.type !== 'ack') return;
    const m = s.byClientId.get(frame.clientMsgId ?? '');
    if (!m || !frame.message) return void s.problems.push(`ack for unknown ${frame.clientMsgId}`);
    // An ack of a resend must be the message first stored, never a second copy.
    if (m.ack && (m.ack.id !== frame.message.id || m.ack.seq !== frame.message.seq)) s.problems.push(`${m.content} acked twice differently`);
    m.ack ??= frame.message;
    inFlight--;
    ctl.acks++;
    ctl.onAck();
    fill();
  });
  fill();
  return done;
}

function sendMessage(socket: TestSocket, s: Sender, m: Sent): void {
  socket.send({ type: 'send', clientMsgId: m.clientMsgId, chatId: s.chatId, message: { type: 'text', content: m.content } });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function within<T>(p: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what()}`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * All senders pump against `server`; on the ack that makes `shouldKill` true the child is
 * SIGKILLed from inside the ack handler, so the kill lands while sends are still arriving.
 */
async function crashCycle(server: ChildServer, senders: Sender[], fresh: boolean, shouldKill: (acks: number, ms: number) => boolean): Promise<void> {
  const sockets = await connectAll(server, senders);
  const started = Date.now();
  let killed!: () => void;
  const killedNow = new Promise<void>((resolve) => (killed = resolve));
  const ctl: Control = {
    halted: false,
    acks: 0,
    onAck() {
      if (ctl.halted || !shouldKill(ctl.acks, Date.now() - started)) return;
      ctl.halted = true;
      // On a loaded machine the server can ack every send in flight before this handler runs;
      // sends written just before the signal are certain to be in flight when it lands.
      if (fresh) senders.forEach((s, i) => sendMessage(sockets[i]!, s, s.create()));
      server.child.kill('SIGKILL');
      killed();
    },
  };
  senders.forEach((s, i) => void pump(sockets[i]!, s, fresh, ctl));
  // The kill condition may need time to become true while acks have already stopped; re-check.
  const ticker = setInterval(() => ctl.onAck(), 20);
  try {
    await within(killedNow, 30_000, () => `kill condition never met after ${ctl.acks} acks\n${server.output()}`);
  } finally {
    clearInterval(ticker);
  }
  await within(server.exited, 10_000, () => 'child did not exit after SIGKILL');
  await within(Promise.all(sockets.map((socket) => socket.closed)), 10_000, () => 'client sockets did not close');
}

async function history(server: ChildServer, reader: TestUser, chatId: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const after = all.at(-1)?.seq ?? 0;
    const res = await api<{ messages: Message[]; hasMore: boolean }>(server.baseUrl, 'GET', `/chats/${chatId}/messages?after=${after}&limit=200`, undefined, reader.accessToken);
    if (res.status !== 200) throw new Error(`history ${res.status}: ${JSON.stringify(res.body)}`);
    all.push(...res.body.messages);
    if (!res.body.hasMore) return all;
  }
}

/**
 * What a restarted server must hold: seqs 1..N per chat; only messages clients sent, each once;
 * every acked one with the id and seq its ack gave; each sender's in its send order. `final`:
 * additionally everything the clients ever tried to send.
 */
async function verify(server: ChildServer, senders: Sender[], reader: TestUser, final: boolean): Promise<number> {
  let total = 0;
  for (const chatId of new Set(senders.map((s) => s.chatId))) {
    const messages = await history(server, reader, chatId);
    total += messages.length;
    expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
    const problems: string[] = [];
    const stored = new Map<string, Message>();
    for (const m of messages) {
      const sent = senders.find((s) => s.chatId === chatId && s.user.id === m.senderId)?.byClientId.get(m.clientMsgId ?? '');
      if (!sent || sent.content !== m.content) problems.push(`unexpected seq ${m.seq}: ${m.content}`);
      if (stored.has(m.clientMsgId ?? '')) problems.push(`duplicate seq ${m.seq}: ${m.content}`);
      stored.set(m.clientMsgId ?? '', m);
    }
    for (const s of senders.filter((x) => x.chatId === chatId)) {
      let lastSeq = 0;
      for (const sent of s.sent) {
        const m = stored.get(sent.clientMsgId);
        if (sent.ack && (m?.id !== sent.ack.id || m.seq !== sent.ack.seq)) problems.push(`acked ${sent.content} (seq ${sent.ack.seq}) lost or changed: ${JSON.stringify(m)}`);
        if (final && !m) problems.push(`never stored: ${sent.content}`);
        if (!m) continue;
        if (m.seq <= lastSeq) problems.push(`${sent.content} stored out of send order`);
        lastSeq = m.seq;
      }
    }
    expect({ problems: problems.length, first: problems.slice(0, 10) }).toEqual({ problems: 0, first: [] });
    if (final) expect(messages.length).toBe(senders.filter((s) => s.chatId === chatId).reduce((n, s) => n + s.sent.length, 0));
  }
  return total;
}

const count = (senders: Sender[], f: (s: Sender) => number) => senders.reduce((n, s) => n + f(s), 0);

describe('crash safety (real child process, SIGKILL)', () => {
  it('keeps every acked message, gapless seqs, and exactly-once after clients resend', async () => {
    const port = await freePort();
    let server = await startChild(dataDir, port);
    const users: TestUser[] = [];
    for (let i = 0; i < 5; i++) users.push(await registerUser(server.baseUrl, 'crash'));
    const groupId = await createGroup(server.baseUrl, users[0]!, users.slice(1, 4), 'crash group');
    const privateId = await openPrivateChat(server.baseUrl, users[4]!, users[0]!);
    const senders = [0, 1, 2, 3].map((i) => new Sender(`g${i}`, users[i]!, groupId));
    senders.push(new Sender('p4', users[4]!, privateId));
    const reader = users[0]!; // a member of both chats

    // Cycle 1: full speed; kill once plenty is acked and the windows are full.
    await crashCycle(server, senders, true, (acks, ms) => acks >= 500 && ms >= 300);
    const acked1 = count(senders, (s) => s.sent.length - s.unacked().length);
    const inFlight1 = count(senders, (s) => s.unacked().length);
    expect(acked1).toBeGreaterThan(0);
    expect(inFlight1).toBeGreaterThan(0);
    server = await startChild(dataDir, port);
    const afterCrash1 = await verify(server, senders, reader, false);

    // Cycle 2: the reconnects resend their backlogs first (some of it stored, its acks lost);
    // kill with about a third of it re-acked, so some resends die in flight a second time.
    const backlog2 = new Set(senders.flatMap((s) => s.unacked()));
    await crashCycle(server, senders, true, (acks) => acks >= Math.ceil(backlog2.size / 3));
    const backlogStillUnacked = [...backlog2].filter((m) => !m.ack).length;
    const inFlight2 = count(senders, (s) => s.unacked().length);
    expect(inFlight2).toBeGreaterThan(0);
    server = await startChild(dataDir, port);
    const afterCrash2 = await verify(server, senders, reader, false);

    // Final: resend everything unacked, no new messages; all must be acked exactly once.
    const ctl: Control = { halted: false, acks: 0, onAck: () => {} };
    const sockets = await connectAll(server, senders);
    await within(Promise.all(senders.map((s, i) => pump(sockets[i]!, s, false, ctl))), 30_000, () => `resends not all acked (${ctl.acks} so far)\n${server.output()}`);
    expect(senders.flatMap((s) => s.problems)).toEqual([]);
    expect(count(senders, (s) => s.unacked().length)).toBe(0);
    const total = await verify(server, senders, reader, true);
    expect(total).toBe(count(senders, (s) => s.sent.length));
    sockets.forEach((socket) => socket.close());
    await sleep(50); // let the closes reach the server before it is killed in afterAll

    console.log(
      `crash test: cycle 1 acked ${acked1}, in flight ${inFlight1}, stored after restart ${afterCrash1}; ` +
        `cycle 2 resent ${backlog2.size} (${backlogStillUnacked} still unacked at kill), in flight ${inFlight2}, stored ${afterCrash2}; ` +
        `final ${total} messages, each exactly once`,
    );
  }, 120_000);
});
