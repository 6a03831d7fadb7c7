import type { Transport, TransportFactory, TransportHandlers } from './Transport.js';

/** Opens a link with a given transport to the current server (the connector supplies the token). */
export type OpenWith = (factory: TransportFactory, handlers: TransportHandlers) => Promise<Transport | undefined>;

/**
 * Which transport the next connection attempt uses, best first. An attempt that heard nothing
 * from a server that answers plain HTTP means that transport is blocked on the way: the next
 * attempt takes the next one. While on a fallback, the better ones are tried now and then in
 * the background, without dropping the link; when one gets to `ready`, the client moves up.
 */
export class TransportChoice {
  private index = 0;
  private probeTimer?: ReturnType<typeof setTimeout>;
  private probe?: Transport;
  /** Bumped whenever the link goes down or comes up: a probe of an older round is dropped. */
  private round = 0;

  constructor(
    private readonly factories: TransportFactory[],
    private readonly upgradeMs: number,
    private readonly probeTimeoutMs: number,
  ) {
    if (factories.length === 0) throw new TypeError('transports: give at least one');
  }

  get current(): TransportFactory {
    return this.factories[this.index]!;
  }

  get name(): string {
    return nameOf(this.current);
  }

  /** The current transport is blocked: use the next one. True when that wrapped around to the best. */
  blocked(): boolean {
    this.index = (this.index + 1) % this.factories.length;
    return this.index === 0;
  }

  /** A link is up: if it is a fallback, try the better ones every `upgradeMs`. */
  linkUp(open: OpenWith, better: () => void): void {
    this.linkDown();
    if (this.index > 0 && this.upgradeMs > 0) this.later(open, better, this.round);
  }

  linkDown(): void {
    this.round++;
    clearTimeout(this.probeTimer);
    this.probe?.close();
    this.probe = undefined;
  }

  private later(open: OpenWith, better: () => void, round: number): void {
    this.probeTimer = setTimeout(() => void this.tryBetter(0, open, better, round), this.upgradeMs);
  }

  /** Opens a second link with transport `i`; if it reaches `ready` it is closed again and becomes the choice. */
  private async tryBetter(i: number, open: OpenWith, better: () => void, round: number): Promise<void> {
    if (round !== this.round) return;
    if (i >= this.index) return this.later(open, better, round);
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(this.probeTimer);
      this.probe?.close();
      this.probe = undefined;
      return true;
    };
    const probe = await open(this.factories[i]!, {
      frame: (frame) => {
        if (frame.type !== 'ready' || round !== this.round || !settle()) return;
        this.index = i;
        better();
      },
      close: () => void (settle() && this.tryBetter(i + 1, open, better, round)),
    });
    if (settled || round !== this.round || !probe) {
      probe?.close();
      if (!probe && settle()) this.later(open, better, round);
      return;
    }
    this.probe = probe;
    this.probeTimer = setTimeout(() => void (settle() && this.tryBetter(i + 1, open, better, round)), this.probeTimeoutMs);
  }
}

export const nameOf = (factory: TransportFactory): string => factory.transportName ?? 'custom';
