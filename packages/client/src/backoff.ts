export interface BackoffOptions {
  /** The first retry waits up to this long; each failed attempt doubles it. */
  baseMs: number;
  /** The cap on the doubling. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/**
 * "Full jitter": a random wait between 0 and the capped exponential bound, so clients that
 * lost the same server together do not come back together.
 */
export function backoffDelay(attempt: number, { baseMs, maxMs }: BackoffOptions, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(maxMs, baseMs * 2 ** attempt));
}
