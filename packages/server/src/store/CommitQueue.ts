/** What one commit produced: a result per request, in order, and what to do once they are handed out. */
export interface Committed<Res> {
  results: Res[];
  /** Runs after every caller has its result: publishing fan-out, say. */
  afterward?: () => void;
}

/**
 * Requests arriving in one event-loop turn share one commit: durability without paying a
 * disk flush per request. A caller's promise resolves only after that commit, so nothing is
 * acknowledged before it is stored. `commit` must not throw: it answers each request,
 * failures included. Two commits may be under way at once, so the next batch runs its
 * statements while the disk flushes the previous one; results and `afterward` are still handed
 * out strictly in commit order, so fan-out keeps every chat's seq order.
 */
export class CommitQueue<Req, Res> {
  private queue: Array<{ req: Req; resolve: (r: Res) => void }> = [];
  private scheduled = false;
  private inFlight = 0;
  /** Settles when the latest commit's results have been handed out. */
  private handedOut: Promise<void> = Promise.resolve();
  private idle: Array<() => void> = [];

  constructor(
    private readonly commit: (batch: Req[]) => Promise<Committed<Res>>,
    /** Bounds one transaction, so a flood cannot build a commit that stalls the loop. */
    private readonly maxBatch = 5_000,
    private readonly maxInFlight = 2,
  ) {}

  submit(req: Req): Promise<Res> {
    return new Promise((resolve) => {
      this.queue.push({ req, resolve });
      this.schedule();
    });
  }

  /** Resolves once everything submitted so far is committed (graceful shutdown). */
  drain(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.inFlight++;
    const batch = this.queue.splice(0, this.maxBatch);
    const previous = this.handedOut;
    let handedOut!: () => void;
    this.handedOut = new Promise((resolve) => (handedOut = resolve));
    this.schedule();
    const { results, afterward } = await this.commit(batch.map((b) => b.req));
    await previous;
    batch.forEach((b, i) => b.resolve(results[i]!));
    afterward?.();
    handedOut();
    this.inFlight--;
    this.schedule();
    if (this.inFlight === 0 && this.queue.length === 0) for (const resolve of this.idle.splice(0)) resolve();
  }
}
