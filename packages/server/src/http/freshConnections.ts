import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Connections that have not sent a request yet: a browser's preconnect, or a fetch aborted
 * while its socket was connecting (the SDK aborts polls and streams when it closes). Node does
 * not count them as idle, so on shutdown they would hold `close()` until the 60 s headers
 * timeout; they have nothing in flight, so they can go at once.
 */
export function trackFreshConnections(server: Server): { destroyAll(): void } {
  const fresh = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    fresh.add(socket);
    socket.once('close', () => fresh.delete(socket));
  });
  server.on('request', (req: { socket: Socket }) => fresh.delete(req.socket));
  server.on('upgrade', (req: { socket: Socket }) => fresh.delete(req.socket));
  return { destroyAll: () => fresh.forEach((socket) => socket.destroy()) };
}
