/** Classic token bucket: `burst` tokens, refilled at `perSec`; cheap enough to run per frame. */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();

  constructor(
    private readonly perSec: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSec);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Seconds until one token is back. */
  retryAfterSec(): number {
    return Math.max(1, Math.ceil((1 - this.tokens) / this.perSec));
  }
}
