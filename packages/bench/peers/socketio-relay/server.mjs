// The chat relay a Node developer writes first: Socket.IO rooms per user, nothing stored.
// A benchmark peer for Parley (packages/bench): started by `npm run bench` on loopback.
//   PORT                  port to listen on (127.0.0.1)
//   HEARTBEAT_INTERVAL_MS Socket.IO's pingInterval, the same as Parley's heartbeat in the run
import http from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.env.PORT);
const server = http.createServer();
const io = new Server(server, {
  transports: ['websocket'],
  perMessageDeflate: false,
  pingInterval: Number(process.env.HEARTBEAT_INTERVAL_MS || 25000),
  pingTimeout: 20000,
});

io.on('connection', (socket) => {
  const userId = String(socket.handshake.auth?.userId ?? '');
  if (!userId) return socket.disconnect(true);
  socket.join(userId);
  // { to, id, content } → every socket of `to` gets { from, id, content }; the sender an ack.
  socket.on('send', (msg, ack) => {
    if (!msg || typeof msg.to !== 'string') return;
    io.to(msg.to).emit('message', { from: userId, id: msg.id, content: msg.content });
    if (typeof ack === 'function') ack({ id: msg.id, content: msg.content });
  });
});

server.listen(port, '127.0.0.1', () => console.log(`socket.io relay listening on ${port}`));
process.on('SIGTERM', () => process.exit(0));
