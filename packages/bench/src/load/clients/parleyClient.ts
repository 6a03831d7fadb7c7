import WebSocket from 'ws';
import { withTimeout, type Connect } from './BenchClient.js';

const CONTENT = '"content":"';

/**
 * Parley through its public WebSocket protocol with raw `ws`: `auth` → `ready`, then `send`
 * frames; `ack` and `message` frames come back. Frames are scanned rather than JSON-parsed:
 * the generator shares two cores with the server and must stay cheap.
 */
export const connectParley: Connect = (spec, events) => {
  const ws = new WebSocket(spec.url, { localAddress: spec.localAddress, perMessageDeflate: false });
  let settle: { resolve(): void; reject(err: Error): void } | undefined;
  const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  ws.once('open', () => ws.send(JSON.stringify({ type: 'auth', token: spec.secret })));
  // One listener from the start: a frame right behind `ready` in the same read is not lost.
  ws.on('message', (data) => {
    const text = data.toString();
    if (settle) {
      if (text.startsWith('{"type":"ready"')) settle.resolve();
      else settle.reject(new Error(`auth refused: ${text.slice(0, 200)}`));
      settle = undefined;
      return;
    }
    const at = text.indexOf(CONTENT);
    if (text.startsWith('{"type":"message"') && at > 0) events.deliver(text.slice(at + CONTENT.length, text.indexOf('"', at + CONTENT.length)));
    else if (text.startsWith('{"type":"ack"') && at > 0) events.ack(text.slice(at + CONTENT.length, text.indexOf('"', at + CONTENT.length)));
    else if (text.startsWith('{"type":"error"')) events.error(text, /"ref":"([^"]*)"/.exec(text)?.[1]);
  });
  ws.on('error', (err) => settle?.reject(err));
  ws.on('close', (code) => {
    if (settle) settle.reject(new Error(`closed ${code} before ready`));
    else events.closed();
  });
  return withTimeout(ready, 'parley auth', () => ws.terminate()).then(() => ({
    send(to, content, clientMsgId) {
      ws.send(`{"type":"send","clientMsgId":"${clientMsgId}","chatId":"${to}","message":{"type":"text","content":"${content}"}}`);
    },
    close: () => ws.terminate(),
  }));
};

/** The bare `ws` baseline: one echoed frame stands in for `auth`/`ready`, then the socket idles. */
export const connectEcho: Connect = (spec, events) => {
  const ws = new WebSocket(spec.url, { localAddress: spec.localAddress, perMessageDeflate: false });
  const ready = new Promise<void>((resolve, reject) => {
    ws.once('open', () => ws.send('hello'));
    ws.once('message', () => resolve());
    ws.once('error', reject);
    ws.once('close', (code) => reject(new Error(`closed ${code} before echo`)));
  });
  return withTimeout(ready, 'echo', () => ws.terminate()).then(() => {
    ws.on('message', (data) => events.deliver(data.toString()));
    ws.on('error', () => undefined);
    ws.on('close', () => events.closed());
    return { send: (_to, content) => ws.send(content), close: () => ws.terminate() };
  });
};
