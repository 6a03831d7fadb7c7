import type { PushOutcome, PushSender, PushTarget } from './PushSender.js';

export interface PushJob {
  deviceId: string;
  target: PushTarget;
  payload: string;
  topic: string;
}

export interface PushQueueHooks {
  /** Once per push that was sent, failed, or dropped unsent because the queue was full. */
  settled(job: PushJob, outcome: PushOutcome | 'dropped'): void;
}

/**
 * Pushes waiting to go out, at most `concurrency` in flight. Bounded: past `max` waiting the
 * oldest are dropped, since a push is a hint and a slow push service must not grow the heap.
 */
export class PushQueue {
  private readonly waiting: PushJob[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly sender: PushSender,
    private readonly hooks: PushQueueHooks,
    private readonly concurrency: number,
    private readonly max: number,
  ) {}

  add(jobs: PushJob[]): void {
    if (this.closed) return;
    this.waiting.push(...jobs);
    while (this.waiting.length > this.max) this.hooks.settled(this.waiting.shift()!, 'dropped');
    this.pump();
  }

  /** Drops what waits and lets the pushes in flight finish. */
  async close(): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Settles once nothing waits or is in flight (tests, and shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private pump(): void {
    while (this.inFlight.size < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      const sending: Promise<void> = this.sender.send(job.target, job.payload, job.topic)
        .catch((): PushOutcome => 'failed')
        .then((outcome) => this.hooks.settled(job, outcome))
        .finally(() => {
          this.inFlight.delete(sending);
          if (!this.closed) this.pump();
        });
      this.inFlight.add(sending);
    }
  }
}
