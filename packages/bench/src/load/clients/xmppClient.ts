import type { Socket } from 'node:net';
import { client, xml } from '@xmpp/client';
import { CONNECT_TIMEOUT_MS, withTimeout, type ClientEvents, type Connect } from './BenchClient.js';

const DOMAIN = 'bench.localhost';
const END = '</message>';

/**
 * After login the message path skips @xmpp/client's element layer: stanzas go out as text and
 * bodies are scanned from the socket's data. Through the library, building and parsing each
 * stanza cost the generator enough CPU that at 2,000 messages/s it sent hundreds of ms late,
 * measuring itself instead of Prosody.
 */
function scanMessages(socket: Socket, events: ClientEvents): void {
  socket.removeAllListeners('data');
  let buffer = '';
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let end = buffer.indexOf(END); end >= 0; end = buffer.indexOf(END)) {
      const stanza = buffer.slice(0, end);
      buffer = buffer.slice(end + END.length);
      const body = stanza.lastIndexOf('<body>');
      if (body >= 0) events.deliver(stanza.slice(body + 6, stanza.indexOf('</body>', body)));
      else if (stanza.includes("type='error'") || stanza.includes('type="error"')) events.error(stanza.slice(0, 300));
    }
    if (!buffer.includes('<message')) buffer = buffer.slice(buffer.lastIndexOf('<'));
  });
}

/**
 * Prosody through @xmpp/client over plain TCP on loopback: SASL PLAIN, resource binding, initial
 * presence (so messages to the bare JID are delivered live rather than stored offline), then
 * `<message type="chat">` stanzas. Core XMPP has no per-message ack, so Prosody reports none.
 */
export const connectXmpp: Connect = (spec, events) => {
  const xmpp = client({
    service: spec.url,
    domain: DOMAIN,
    resource: 'bench',
    // The default 2 s per negotiation step is too short while thousands of clients log in at once.
    timeout: CONNECT_TIMEOUT_MS,
    credentials: (authenticate) => authenticate({ username: spec.user, password: spec.secret }, 'PLAIN'),
  });
  xmpp.reconnect.stop();
  // Per connection, a source address of its own: the transport takes its socket parameters from here.
  const params = xmpp.socketParameters.bind(xmpp);
  xmpp.socketParameters = (service: string) => ({ ...params(service), localAddress: spec.localAddress });
  xmpp.on('connect', () => xmpp.socket?.setNoDelay(true));
  xmpp.on('error', () => undefined);
  let online = false;
  xmpp.on('offline', () => online && events.closed());
  const ready = (async () => {
    await xmpp.start();
    await xmpp.send(xml('presence'));
    scanMessages(xmpp.socket!, events);
    online = true;
  })();
  return withTimeout(ready, 'xmpp login', () => void xmpp.stop().catch(() => undefined)).then(() => ({
    send(to, content) {
      xmpp.write(`<message to="${to}@${DOMAIN}" type="chat"><body>${content}</body></message>`).catch(() => undefined);
    },
    close: () => void xmpp.stop().catch(() => undefined),
  }));
};
