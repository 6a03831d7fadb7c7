import type { Bus, BusEvent } from './Bus.js';

/** One process: publishing hands the events straight to this node's gateway. */
export class LocalBus implements Bus {
  readonly spansNodes = false;
  private handlers: Array<(events: BusEvent[]) => void> = [];

  publish(events: BusEvent[]): void {
    if (events.length === 0) return;
    for (const handler of this.handlers) handler(events);
  }

  subscribe(handler: (events: BusEvent[]) => void): void {
    this.handlers.push(handler);
  }

  async close(): Promise<void> {
    this.handlers = [];
  }
}
