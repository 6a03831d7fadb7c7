import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { corkedWrite, UNCORK_PER_TURN } from '../src/gateway/corkedWrite.js';

// A real loopback socket pair: what the server side holds back, and what the client side reads.
async function socketPair(): Promise<{ server: net.Socket; client: net.Socket; received: () => string; close: () => void }> {
  const listener = net.createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
  const client = net.connect((listener.address() as AddressInfo).port, '127.0.0.1');
  const server = await accepted;
  let text = '';
  client.on('data', (chunk) => (text += chunk.toString()));
  return { server, client, received: () => text, close: () => (client.destroy(), server.destroy(), listener.close()) };
}

/** `n` loopback connections on one listener: the server side of each, and what its client read. */
async function manySockets(n: number): Promise<{ servers: net.Socket[]; received: (i: number) => string; close: () => void }> {
  const listener = net.createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const byPort = new Map<number, net.Socket>();
  const all = new Promise<void>((resolve) => listener.on('connection', (s) => byPort.set(s.remotePort!, s) && byPort.size === n && resolve()));
  const texts: string[] = new Array(n).fill('');
  const clients: net.Socket[] = [];
  // A hundred at a time: more at once overflow the listen backlog, and the dropped ones retry for seconds.
  for (let from = 0; from < n; from += 100) {
    clients.push(...(await Promise.all(Array.from({ length: Math.min(100, n - from) }, (_, k) => new Promise<net.Socket>((resolve) => {
      const client = net.connect((listener.address() as AddressInfo).port, '127.0.0.1', () => resolve(client));
      client.on('data', (chunk) => (texts[from + k] += chunk.toString()));
    })))));
  }
  await all;
  return {
    servers: clients.map((c) => byPort.get(c.localPort!)!),
    received: (i) => texts[i]!,
    close: () => (clients.forEach((c) => c.destroy()), [...byPort.values()].forEach((s) => s.destroy()), listener.close()),
  };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
/** Queued behind corkedWrite's own tick callback: runs after it, before the next turn. */
const afterTick = () => new Promise((resolve) => process.nextTick(resolve));

describe('corked socket writes', () => {
  const open: Array<() => void> = [];
  afterEach(() => open.splice(0).forEach((close) => close()));

  it('holds what one turn writes to a socket and sends it together, in order, after the turn', async () => {
    const pair = await socketPair();
    open.push(pair.close);
    corkedWrite(pair.server, Buffer.from('one,'));
    corkedWrite(pair.server, Buffer.from('two,'));
    corkedWrite(pair.server, Buffer.from('three'));
    expect(pair.server.writableLength).toBe('one,two,three'.length);
    await nextTurn();
    expect(pair.server.writableLength).toBe(0);
    expect(pair.server.writableCorked).toBe(0);
    await expect.poll(pair.received).toBe('one,two,three');
  });

  it('lets a large burst out at once instead of holding it for the slow-consumer check to see', async () => {
    const pair = await socketPair();
    open.push(pair.close);
    const big = Buffer.alloc(20_000, 'x');
    corkedWrite(pair.server, Buffer.from('a'));
    corkedWrite(pair.server, big);
    expect(pair.server.writableCorked).toBe(0);
    expect(pair.server.writableLength).toBeLessThan(big.length);
    corkedWrite(pair.server, Buffer.from('b'));
    await nextTurn();
    await expect.poll(() => pair.received().length).toBe(big.length + 2);
    expect(pair.received().startsWith('ax')).toBe(true);
    expect(pair.received().endsWith('xb')).toBe(true);
  });

  it('uncorks every socket of the turn even when one of them was destroyed meanwhile', async () => {
    const [a, b] = [await socketPair(), await socketPair()];
    open.push(a.close, b.close);
    corkedWrite(a.server, Buffer.from('lost'));
    corkedWrite(b.server, Buffer.from('kept'));
    a.server.destroy();
    await nextTurn();
    await expect.poll(b.received).toBe('kept');
    expect(b.server.writableCorked).toBe(0);
  });

  it(`uncorks ${UNCORK_PER_TURN} sockets at the end of a turn and the rest over the next turns, each socket's bytes in order`, async () => {
    const many = await manySockets(UNCORK_PER_TURN + 50);
    open.push(many.close);
    many.servers.forEach((s, i) => corkedWrite(s, Buffer.from(`${i}:a,`)));
    await afterTick();
    const corked = () => many.servers.filter((s) => s.writableCorked > 0).length;
    expect(corked()).toBe(50);
    // A socket of the tail, written again while it waits: the new bytes queue behind its first ones.
    const last = many.servers.length - 1;
    corkedWrite(many.servers[last]!, Buffer.from('b'));
    await afterTick();
    expect(corked()).toBe(50);
    await nextTurn();
    expect(corked()).toBe(0);
    await expect.poll(() => many.servers.every((_, i) => many.received(i).startsWith(`${i}:a,`))).toBe(true);
    await expect.poll(() => many.received(last)).toBe(`${last}:a,b`);
  });

  it('sends a later turn\'s writes at the end of that turn, ahead of an older fan-out\'s tail still waiting', async () => {
    const many = await manySockets(3 * UNCORK_PER_TURN);
    open.push(many.close);
    many.servers.forEach((s) => corkedWrite(s, Buffer.from('fan-out,')));
    await afterTick();
    // The first socket went out with the first share; the tail waits for the next turns.
    const first = many.servers[0]!;
    expect(first.writableCorked).toBe(0);
    corkedWrite(first, Buffer.from('direct'));
    await afterTick();
    expect(first.writableCorked).toBe(0);
    expect(many.servers.filter((s) => s.writableCorked > 0).length).toBe(2 * UNCORK_PER_TURN);
    await expect.poll(() => many.received(0)).toBe('fan-out,direct');
    await expect.poll(() => many.servers.filter((s) => s.writableCorked > 0).length).toBe(0);
  });
});
