import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { Heartbeat } from '../src/gateway/Heartbeat.js';

interface Beating {
  id: number;
  alive: boolean;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real ws server on an ephemeral port whose sockets are all in `heartbeat`; pings are recorded with the event-loop turn they were written in. */
async function beatingServer(heartbeat: Heartbeat<Beating>, count: number) {
  let turn = 0;
  let ticking: NodeJS.Immediate = setImmediate(function tick() {
    turn++;
    ticking = setImmediate(tick);
  });
  cleanups.push(() => clearImmediate(ticking));
  const pings: Array<{ id: number; turn: number }> = [];
  const server = http.createServer();
  const wss = new WebSocketServer({ server });
  let nextId = 0;
  wss.on('connection', (socket) => {
    const conn: Beating = { id: nextId++, alive: true };
    const ping = socket.ping.bind(socket);
    socket.ping = (...args: Parameters<WebSocket['ping']>) => (pings.push({ id: conn.id, turn }), ping(...args));
    socket.on('pong', () => (conn.alive = true));
    heartbeat.add(conn, socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients = await Promise.all(Array.from({ length: count }, () => new Promise<WebSocket>((resolve, reject) => {
    const client = new WebSocket(url);
    client.once('open', () => resolve(client));
    client.once('error', reject);
  })));
  cleanups.push(() => clients.forEach((c) => c.terminate()));
  await new Promise((r) => setTimeout(r, 50)); // the server side of the last ones registered
  return pings;
}

it('writes a slice of pings a few per event-loop turn, so what else arrives is read in between', async () => {
  const heartbeat = new Heartbeat<Beating>(400, 3);
  cleanups.push(() => heartbeat.stop());
  // 20 slices of 10 sockets each.
  const pings = await beatingServer(heartbeat, 200);
  await new Promise((r) => setTimeout(r, 1000));

  expect(new Set(pings.map((p) => p.id)).size).toBe(200); // every socket pinged, once an interval
  // Pings of one slice (ids equal modulo 20) written in the same turn: all 10 of them in one go.
  const perSliceTurn = new Map<string, number>();
  for (const p of pings) perSliceTurn.set(`${p.id % 20}@${p.turn}`, (perSliceTurn.get(`${p.id % 20}@${p.turn}`) ?? 0) + 1);
  expect(Math.max(...perSliceTurn.values())).toBeLessThanOrEqual(3);
});
