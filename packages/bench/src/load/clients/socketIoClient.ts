import { io } from 'socket.io-client';
import { withTimeout, type Connect } from './BenchClient.js';

/** The Socket.IO relay peer: `send` with an ack callback, `message` events to the recipient's room. */
export const connectSocketIo: Connect = (spec, events) => {
  const socket = io(spec.url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { userId: spec.user },
    // Passed through engine.io-client to `ws`, like the Parley client's source address.
    ...({ localAddress: spec.localAddress, perMessageDeflate: false } as object),
  });
  const ready = new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  return withTimeout(ready, 'socket.io connect', () => socket.disconnect()).then(() => {
    socket.on('message', (msg: { content: string }) => events.deliver(msg.content));
    socket.on('disconnect', () => events.closed());
    return {
      send(to, content, clientMsgId) {
        socket.emit('send', { to, id: clientMsgId, content }, (reply: { content: string }) => events.ack(reply.content));
      },
      close: () => socket.disconnect(),
    };
  });
};
