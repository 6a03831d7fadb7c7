import type { ReadyFrame } from '@parley/protocol';

/** The `connect()` calls waiting for a ready link, and the last `ready` frame, for calls made once the link is up. */
export class ReadyWaiters {
  last?: ReadyFrame;
  private waiting: Array<{ resolve(frame: ReadyFrame): void; reject(error: Error): void }> = [];

  wait(): Promise<ReadyFrame> {
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  ready(frame: ReadyFrame): void {
    this.last = frame;
    for (const w of this.waiting.splice(0)) w.resolve(frame);
  }

  reject(error: Error): void {
    for (const w of this.waiting.splice(0)) w.reject(error);
  }
}
