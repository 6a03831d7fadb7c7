import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
// @ts-expect-error http_ece ships no types; it is the RFC 8188 codec web-push itself uses.
import ece from 'http_ece';

/** A push as the push service received it, decrypted with the subscriber's keys. */
export interface ReceivedPush {
  path: string;
  headers: http.IncomingHttpHeaders;
  payload: any;
}

/** One browser's side of a subscription: its endpoint on the test push service and its keys. */
export interface Subscriber {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  received: ReceivedPush[];
}

/**
 * A real HTTP push service on a loopback port (RFC 8030's receiving end): it records every push,
 * decrypts it with the subscriber's private key (RFC 8291), and answers with the status a test
 * set for that subscriber (201 unless told otherwise).
 */
export class TestPushService {
  private readonly subscribers = new Map<string, { sub: Subscriber; ecdh: crypto.ECDH; status: number }>();

  private constructor(private readonly server: http.Server, readonly baseUrl: string) {}

  static async start(): Promise<TestPushService> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const service = new TestPushService(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req, res) => service.receive(req, res));
    return service;
  }

  subscriber(): Subscriber {
    const ecdh = crypto.createECDH('prime256v1');
    ecdh.generateKeys();
    const id = crypto.randomUUID();
    const sub: Subscriber = {
      endpoint: `${this.baseUrl}/push/${id}`,
      keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: crypto.randomBytes(16).toString('base64url') },
      received: [],
    };
    this.subscribers.set(`/push/${id}`, { sub, ecdh, status: 201 });
    return sub;
  }

  /** From now on pushes to `sub` are answered with `status` (410: the subscription is gone). */
  answer(sub: Subscriber, status: number): void {
    this.subscribers.get(new URL(sub.endpoint).pathname)!.status = status;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private receive(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const known = this.subscribers.get(req.url ?? '');
      if (!known) return void res.writeHead(404).end();
      const body = Buffer.concat(chunks);
      const plain: Buffer = ece.decrypt(body, { version: 'aes128gcm', privateKey: known.ecdh, authSecret: known.sub.keys.auth });
      known.sub.received.push({ path: req.url!, headers: req.headers, payload: JSON.parse(plain.toString('utf8')) });
      res.writeHead(known.status).end();
    });
  }
}

/** Checks a VAPID `Authorization: vapid t=<JWT>, k=<key>` header (RFC 8292): signed by `publicKey`, for the endpoint's origin. */
export function verifyVapid(header: string | undefined, publicKey: string, endpoint: string): Record<string, unknown> {
  const match = /^vapid t=([^,]+), k=(.+)$/.exec(header ?? '');
  if (!match) throw new Error(`not a VAPID authorization: ${header}`);
  const [, jwt, key] = match as unknown as [string, string, string];
  if (key !== publicKey) throw new Error('signed with another key');
  const raw = Buffer.from(key, 'base64url');
  const jwk = { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33, 65).toString('base64url') };
  const [head, body, sig] = jwt.split('.') as [string, string, string];
  const ok = crypto.verify('sha256', Buffer.from(`${head}.${body}`), { key: crypto.createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url'));
  if (!ok) throw new Error('bad VAPID signature');
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (claims.aud !== new URL(endpoint).origin) throw new Error(`aud ${String(claims.aud)}`);
  return claims;
}
