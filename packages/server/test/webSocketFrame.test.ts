import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { webSocketTextFrame } from '../src/gateway/OutgoingFrame.js';

// The fan-out writes frames it built itself: a real `ws` client must read every length form.
describe('ready-made WebSocket text frames', () => {
  let server: http.Server;
  let url: string;
  const wss = new WebSocketServer({ noServer: true });

  beforeAll(async () => {
    server = http.createServer();
    server.on('upgrade', (req, socket, head) => {
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('message', (data) => {
          const { size } = JSON.parse(data.toString()) as { size: number };
          socket.write(webSocketTextFrame(Buffer.from(textOfBytes(size))));
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => (wss.close(), server.close(() => resolve()))));

  it('reads payloads of every length form, multi-byte text included, in order', async () => {
    const sizes = [0, 1, 125, 126, 127, 65_535, 65_536, 300_001];
    const client = new WebSocket(url);
    const received: Array<{ text: string; binary: boolean }> = [];
    const all = new Promise<void>((resolve, reject) => {
      client.on('message', (data, binary) => {
        received.push({ text: data.toString(), binary });
        if (received.length === sizes.length) resolve();
      });
      client.on('error', reject);
      client.on('close', (code) => reject(new Error(`closed ${code}`)));
    });
    await new Promise((resolve) => client.once('open', resolve));
    for (const size of sizes) client.send(JSON.stringify({ size }));
    await all;
    expect(received.map((r) => Buffer.byteLength(r.text))).toEqual(sizes);
    expect(received.map((r) => r.text)).toEqual(sizes.map(textOfBytes));
    expect(received.every((r) => !r.binary)).toBe(true);
    client.close();
  });
});

/** `bytes` bytes of UTF-8 mixing one-, two- and three-byte characters. */
function textOfBytes(bytes: number): string {
  let text = '';
  let used = 0;
  const pieces = ['a', 'é', '€'];
  for (let i = 0; used < bytes; i++) {
    const piece = pieces[i % 3]!;
    const len = Buffer.byteLength(piece);
    if (used + len > bytes) return text + 'a'.repeat(bytes - used);
    text += piece;
    used += len;
  }
  return text;
}
