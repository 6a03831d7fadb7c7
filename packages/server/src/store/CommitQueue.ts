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
 * failures included. One commit runs at a time; what arrives meanwhile forms the next.
 */
export class CommitQueue<Req, Res> {
  private queue: Array<{ req: Req; resolve: (r: Res) => void }> = [];
  private scheduled = false;
  private flushing = false;
  private idle: Array<() => void> = [];

  constructor(
    private readonly commit: (batch: Req[]) => Promise<Committed<Res>>,
    /** Bounds one transaction, so a flood cannot build a commit that stalls the loop. */
    private readonly maxBatch = 5_000,
  ) {}

  submit(req: Req): Promise<Res> {
    return new Promise((resolve) => {
      this.queue.push({ req, resolve });
      this.schedule();
    });
  }

  /** Resolves once everything submitted so far is committed (graceful shutdown). */
  drain(): Promise<void> {
    if (!this.flushing && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    this.flushing = true;
    const batch = this.queue.splice(0, this.maxBatch);
    const { results, afterward } = await this.commit(batch.map((b) => b.req));
    batch.forEach((b, i) => b.resolve(results[i]!));
    afterward?.();
    this.flushing = false;
    if (this.queue.length > 0) this.schedule();
    else for (const resolve of this.idle.splice(0)) resolve();
  }
}
