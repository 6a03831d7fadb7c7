import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { corkedWrite } from '../src/gateway/corkedWrite.js';

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

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

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
});
