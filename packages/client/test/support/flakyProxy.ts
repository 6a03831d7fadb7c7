import net from 'node:net';

/** A seeded PRNG (mulberry32): the same seed replays the same sequence of failures. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type ProxyMode = 'pass' | 'refuse' | 'blackhole';

/**
 * A TCP proxy between SDK clients and the server, for breaking the network on purpose:
 * `dropAll()` resets every connection, `refuse` closes new ones at once (server unreachable),
 * `blackhole` stops forwarding in both directions without closing anything (a dead link
 * that TCP does not notice), and `chaos()` drops everything at random intervals.
 */
export class FlakyProxy {
  mode: ProxyMode = 'pass';
  drops = 0;
  accepted = 0;
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  private chaosTimer?: NodeJS.Timeout;

  private constructor(private readonly server: net.Server, readonly port: number) {}

  static async start(target: string): Promise<FlakyProxy> {
    const { hostname, port } = new URL(target);
    let proxy!: FlakyProxy;
    const server = net.createServer((client) => proxy.accept(client, hostname, Number(port)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new FlakyProxy(server, (server.address() as net.AddressInfo).port);
    return proxy;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get connections(): number {
    return this.pairs.size;
  }

  /** Resets every open connection (both sides see an abrupt end, like a network drop). */
  dropAll(): void {
    this.drops++;
    for (const pair of this.pairs) {
      pair.client.resetAndDestroy();
      pair.upstream.resetAndDestroy();
    }
    this.pairs.clear();
  }

  /** Every `minMs`–`maxMs` (drawn from `random`), drops every connection. */
  chaos(random: () => number, minMs: number, maxMs: number): void {
    const next = () => {
      this.chaosTimer = setTimeout(() => {
        this.dropAll();
        next();
      }, minMs + random() * (maxMs - minMs));
    };
    next();
  }

  calm(): void {
    clearTimeout(this.chaosTimer);
  }

  async close(): Promise<void> {
    this.calm();
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket, host: string, port: number): void {
    this.accepted++;
    if (this.mode === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(port, host);
    const pair = { client, upstream };
    this.pairs.add(pair);
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.on('data', (chunk) => this.mode !== 'blackhole' && upstream.write(chunk));
    upstream.on('data', (chunk) => this.mode !== 'blackhole' && client.write(chunk));
  }
}
