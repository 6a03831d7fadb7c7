import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Bus, BusEvent } from './Bus.js';

interface Envelope {
  /** The publishing node, which has already delivered the events to its own sockets. */
  node: string;
  events: BusEvent[];
}

/**
 * Fan-out across server processes. Events reach this node's sockets at once and every other
 * node through one PUBLISH per batch on a shared channel. Pub/sub is fire-and-forget: a node
 * cut off from Redis misses live frames, and its clients fill the gap from their cursors
 * (`sync`), which the store answers.
 */
export class RedisBus implements Bus {
  readonly spansNodes = true;
  private readonly node = randomUUID();
  private readonly pub: Redis;
  private readonly sub: Redis;
  private handlers: Array<(events: BusEvent[]) => void> = [];

  private constructor(url: string, private readonly channel: string, private readonly log: Logger) {
    const options = { maxRetriesPerRequest: null, retryStrategy: (times: number) => Math.min(times * 200, 2000) };
    this.pub = new Redis(url, options);
    this.sub = new Redis(url, options);
    for (const [name, client] of [['publisher', this.pub], ['subscriber', this.sub]] as const) {
      client.on('error', (err) => this.log.warn({ err: err.message, client: name }, 'redis connection error; retrying'));
      client.on('ready', () => this.log.info({ client: name }, 'redis connected'));
    }
    this.sub.on('messageBuffer', (_channel: Buffer, payload: Buffer) => this.receive(payload));
  }

  static async open(url: string, prefix: string, log: Logger): Promise<RedisBus> {
    const bus = new RedisBus(url, `${prefix}:bus`, log);
    await bus.sub.subscribe(bus.channel);
    return bus;
  }

  publish(events: BusEvent[]): void {
    if (events.length === 0) return;
    this.deliver(events);
    const envelope: Envelope = { node: this.node, events };
    this.pub.publish(this.channel, JSON.stringify(envelope)).catch((err: Error) => {
      this.log.warn({ err: err.message, events: events.length }, 'redis publish failed; other nodes rely on catch-up');
    });
  }

  subscribe(handler: (events: BusEvent[]) => void): void {
    this.handlers.push(handler);
  }

  async close(): Promise<void> {
    this.handlers = [];
    await Promise.allSettled([this.sub.quit(), this.pub.quit()]);
  }

  private receive(payload: Buffer): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(payload.toString()) as Envelope;
    } catch {
      this.log.warn('ignoring a malformed bus message');
      return;
    }
    if (envelope.node !== this.node) this.deliver(envelope.events);
  }

  private deliver(events: BusEvent[]): void {
    for (const handler of this.handlers) handler(events);
  }
}
