/**
 * Liveness of one link. Every `intervalMs` it sends a ping unless one is outstanding; a link
 * that shows nothing (no frame of any kind) for `intervalMs / 2` after a ping is dead. Any
 * frame counts as life, so a busy link is never dropped for a pong stuck behind other frames.
 * A link that dies is found at most 1.5 intervals later: the next ping goes out within one
 * interval, and its deadline is half an interval after that.
 */
export class Heartbeat {
  private ticker?: ReturnType<typeof setInterval>;
  private deadline?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly intervalMs: number,
    private readonly ping: () => void,
    private readonly dead: () => void,
  ) {}

  start(): void {
    this.stop();
    this.ticker = setInterval(() => this.beat(), this.intervalMs);
  }

  /** A frame arrived. */
  seen(): void {
    clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  stop(): void {
    clearInterval(this.ticker);
    this.seen();
  }

  private beat(): void {
    if (this.deadline) return;
    this.deadline = setTimeout(() => this.dead(), this.intervalMs / 2);
    this.ping();
  }
}
