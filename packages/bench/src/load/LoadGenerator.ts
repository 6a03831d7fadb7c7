import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mergeHistograms, type Histogram } from '../histogram.js';
import { onExitCleanup } from '../proc.js';
import type { Command, CountResult, OpenResult, Reply, Route, SendResult, StepReport, ClientSpec } from './messages.js';

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));

/** Where a client lives: which worker, and its number there. */
export interface ClientRef {
  worker: number;
  index: number;
}

export interface MergedReport {
  sent: number;
  acked: number;
  delivered: number;
  errors: number;
  firstError?: string;
  ack: Histogram;
  e2e: Histogram;
  lag: Histogram;
  /** k → [clients that got message k, latest arrival µs]. */
  perMessage: Map<number, [number, number]>;
}

class Worker {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  constructor(readonly child: ChildProcess) {
    child.on('message', (reply: Reply) => {
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) p?.resolve(reply.result);
      else p?.reject(new Error(`load worker: ${reply.error}`));
    });
    child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`load worker exited (${code})`));
      this.pending.clear();
    });
  }

  call<T>(cmd: Command): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, ...cmd });
    });
  }
}

/**
 * The coordinator's side of the load generator: forked worker processes, each with its own
 * event loop and `ulimit -n` of sockets. Clients are placed by the caller's choice of worker.
 */
export class LoadGenerator {
  private opened = false;

  private constructor(
    private readonly workers: Worker[],
    readonly sourceAddresses: string[],
  ) {}

  static start(workers: number, sourceAddresses: string[]): LoadGenerator {
    const children = Array.from({ length: workers }, () => {
      const child = fork(WORKER, [], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
      // A worker would exit on its own once the IPC channel closes, but not before Ctrl-C returns.
      onExitCleanup(() => child.kill('SIGKILL'));
      return new Worker(child);
    });
    return new LoadGenerator(children, sourceAddresses);
  }

  /** No client was opened through it yet: its workers' heaps hold nothing of an earlier scenario. */
  get fresh(): boolean {
    return !this.opened;
  }

  get size(): number {
    return this.workers.length;
  }

  /** The worker processes, whose CPU time the scenarios report beside the server's. */
  get pids(): number[] {
    return this.workers.flatMap((w) => (w.child.pid === undefined ? [] : [w.child.pid]));
  }

  /** Opens every spec on the worker `placeOf(i)` picks; resolves with each client's ref (undefined when it failed). */
  async open(specs: ClientSpec[], placeOf: (i: number) => number, concurrency = 100): Promise<{ refs: Array<ClientRef | undefined>; failed: number; firstError?: string }> {
    this.opened = true;
    const perWorker = this.workers.map(() => [] as number[]);
    specs.forEach((_, i) => perWorker[placeOf(i) % this.workers.length]!.push(i));
    const refs: Array<ClientRef | undefined> = new Array(specs.length);
    let failed = 0;
    let firstError: string | undefined;
    await Promise.all(
      this.workers.map(async (w, wi) => {
        const mine = perWorker[wi]!;
        if (mine.length === 0) return;
        const result = await w.call<OpenResult>({ op: 'open', clients: mine.map((i) => specs[i]!), sourceAddresses: this.sourceAddresses, concurrency });
        result.indices.forEach((index, j) => (refs[mine[j]!] = index >= 0 ? { worker: wi, index } : undefined));
        failed += result.failed;
        firstError ??= result.firstError;
      }),
    );
    return { refs, failed, firstError };
  }

  async count(): Promise<CountResult> {
    const counts = await Promise.all(this.workers.map((w) => w.call<CountResult>({ op: 'count' })));
    return counts.reduce((a, b) => ({ open: a.open + b.open, closed: a.closed + b.closed }), { open: 0, closed: 0 });
  }

  async expect(step: number, perMessage: boolean): Promise<void> {
    await Promise.all(this.workers.map((w) => w.call({ op: 'expect', step, perMessage })));
  }

  /**
   * Every worker sends its routes' share of `ratePerSec` from `startAtUs` for `durationMs`;
   * resolves when all have sent (not when everything arrived: see `report`).
   */
  async send(step: number, routes: Array<{ from: ClientRef; to: string }>, ratePerSec: number, startAtUs: number, durationMs: number): Promise<{ sent: number; lag: string[] }> {
    const perWorker = this.workers.map(() => [] as Route[]);
    for (const r of routes) perWorker[r.from.worker]!.push({ from: r.from.index, to: r.to });
    const results = await Promise.all(
      this.workers.map((w, wi) => {
        const mine = perWorker[wi]!;
        if (mine.length === 0) return Promise.resolve<SendResult>({ sent: 0, lag: '' });
        return w.call<SendResult>({ op: 'send', step, routes: mine, ratePerSec: (ratePerSec * mine.length) / routes.length, startAtUs, durationMs });
      }),
    );
    return { sent: results.reduce((n, r) => n + r.sent, 0), lag: results.map((r) => r.lag).filter(Boolean) };
  }

  async report(step: number, sent: { sent: number; lag: string[] }): Promise<MergedReport> {
    const reports = await Promise.all(this.workers.map((w) => w.call<StepReport>({ op: 'report', step })));
    const perMessage = new Map<number, [number, number]>();
    for (const r of reports) {
      for (const [k, count, maxUs] of r.perMessage ?? []) {
        const seen = perMessage.get(k) ?? [0, 0];
        perMessage.set(k, [seen[0] + count, Math.max(seen[1], maxUs)]);
      }
    }
    return {
      sent: sent.sent,
      acked: reports.reduce((n, r) => n + r.acked, 0),
      delivered: reports.reduce((n, r) => n + r.delivered, 0),
      errors: reports.reduce((n, r) => n + r.errors, 0),
      firstError: reports.find((r) => r.firstError)?.firstError,
      ack: mergeHistograms(reports.map((r) => r.ack)),
      e2e: mergeHistograms(reports.map((r) => r.e2e)),
      lag: mergeHistograms(sent.lag),
      perMessage,
    };
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.call({ op: 'closeAll' })));
  }

  stop(): void {
    for (const w of this.workers) w.child.kill();
  }
}
