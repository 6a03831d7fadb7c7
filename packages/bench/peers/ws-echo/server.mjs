// The baseline for memory per connection: a bare `ws` server that echoes every frame and pings
// every socket each HEARTBEAT_INTERVAL_MS (the heartbeat from the `ws` README), as Parley does.
//   PORT                  port to listen on (127.0.0.1)
//   HEARTBEAT_INTERVAL_MS ping interval
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ port: Number(process.env.PORT), host: '127.0.0.1', perMessageDeflate: false });
wss.on('connection', (ws) => {
  ws.isAlive = true;
  ws.on('pong', () => (ws.isAlive = true));
  ws.on('message', (data, isBinary) => {
    ws.isAlive = true;
    ws.send(data, { binary: isBinary });
  });
});
const interval = setInterval(() => {
  for (const ws of wss.clients) {
    if (!ws.isAlive) {
      ws.terminate();
      continue;
    }
    ws.isAlive = false;
    ws.ping();
  }
}, Number(process.env.HEARTBEAT_INTERVAL_MS || 30000));
wss.on('listening', () => console.log(`ws echo listening on ${process.env.PORT}`));
wss.on('close', () => clearInterval(interval));
process.on('SIGTERM', () => process.exit(0));
