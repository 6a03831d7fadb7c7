import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';

/** What a sweep is handed for one run. */
export interface SweepRun {
  /** Aborted when the server closes: a sweep stops between batches, leaving the rest to a later run. */
  readonly signal: AbortSignal;
  /** Counts what a committed batch removed (parley_swept_total{kind}). */
  removed(kind: string, count: number): void;
}

/**
 * Removes what is left over, a bounded batch at a time. Every node of a cluster runs every sweep,
 * so a sweep's deletes must be idempotent and hold when two nodes run it at once.
 */
export type Sweep = (run: SweepRun) => Promise<void>;

/** What one run removed, by kind. */
export type Swept = Record<string, number>;

export interface SweeperDeps {
  log: Logger;
  metrics: Metrics;
  /** 0: no timers; `run` still works. */
  intervalMs: number;
}

/** One sweep's runs, one at a time: the run in progress, and the next one if someone asked for it. */
interface Lane {
  sweep: Sweep;
  queued?: Promise<Swept>;
  tail: Promise<void>;
  timer?: NodeJS.Timeout;
}

/**
 * Runs each sweep every `intervalMs`, never two runs of one sweep at once. The first run comes at
 * a random point of the first interval and each later one ±10% off the interval, so the nodes of a
 * cluster, started together, do not all sweep at the same moment. A failed run is logged and
 * counted (parley_sweep_failures_total); the next one tries again.
 */
export class Sweeper {
  private readonly lanes: Map<string, Lane>;
  private readonly stopping = new AbortController();

  constructor(sweeps: Record<string, Sweep>, private readonly deps: SweeperDeps) {
    this.lanes = new Map(Object.entries(sweeps).map(([name, sweep]) => [name, { sweep, tail: Promise.resolve() }]));
  }

  start(): void {
    if (this.deps.intervalMs === 0) return;
    for (const name of this.lanes.keys()) this.schedule(name, Math.random() * this.deps.intervalMs);
  }

  /**
   * A run of `name` that starts after this call, once a run in progress (if any) is over; callers
   * arriving meanwhile share it. Resolves with what it removed, rejects if it failed.
   */
  run(name: string): Promise<Swept> {
    const lane = this.lanes.get(name);
    if (!lane) throw new Error(`no sweep named ${name}`);
    lane.queued ??= lane.tail.then(() => {
      lane.queued = undefined;
      return this.pass(name, lane.sweep);
    });
    const queued = lane.queued;
    lane.tail = queued.then(() => {}, () => {});
    return queued;
  }

  /** Stops the timers and asks a run in progress to stop; resolves once none is running. */
  async close(): Promise<void> {
    this.stopping.abort();
    for (const lane of this.lanes.values()) clearTimeout(lane.timer);
    await Promise.all([...this.lanes.values()].map((lane) => lane.tail));
  }

  private schedule(name: string, delayMs: number): void {
    const lane = this.lanes.get(name)!;
    lane.timer = setTimeout(() => {
      void this.run(name).catch(() => {}).then(() => {
        if (!this.stopping.signal.aborted) this.schedule(name, this.deps.intervalMs * (0.9 + 0.2 * Math.random()));
      });
    }, delayMs);
    // A script that builds a server and closes it must not wait for a sweep due in an hour.
    lane.timer.unref();
  }

  private async pass(name: string, sweep: Sweep): Promise<Swept> {
    const swept: Swept = {};
    if (this.stopping.signal.aborted) return swept;
    const started = Date.now();
    const removed = (kind: string, count: number) => {
      if (count <= 0) return;
      swept[kind] = (swept[kind] ?? 0) + count;
      this.deps.metrics.swept.inc({ kind }, count);
    };
    try {
      await sweep({ signal: this.stopping.signal, removed });
    } catch (err) {
      this.deps.metrics.sweepFailures.inc({ sweep: name });
      this.deps.log.warn({ err, sweep: name, swept }, 'sweep failed; the next run tries again');
      throw err;
    }
    if (Object.keys(swept).length > 0) this.deps.log.info({ sweep: name, swept, ms: Date.now() - started }, 'swept');
    return swept;
  }
}
