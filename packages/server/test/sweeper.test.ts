import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../src/metrics.js';
import { Sweeper, type SweepRun } from '../src/maintenance/Sweeper.js';

const log = pino({ level: 'silent' });

/** A sweep whose runs a test holds open and lets finish, and that records how many ran at once. */
function heldSweep() {
  const state = { started: 0, running: 0, mostAtOnce: 0, signals: [] as AbortSignal[], release: [] as Array<() => void> };
  const sweep = async (run: SweepRun) => {
    state.started++;
    state.running++;
    state.mostAtOnce = Math.max(state.mostAtOnce, state.running);
    state.signals.push(run.signal);
    await new Promise<void>((resolve) => state.release.push(resolve));
    run.removed('things', 2);
    state.running--;
  };
  return { state, sweep };
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const counted = async (metrics: ReturnType<typeof createMetrics>, name: 'swept' | 'sweepFailures') =>
  (await metrics[name].get()).values.map((v) => [v.labels, v.value]);

describe('Sweeper', () => {
  it('never runs a sweep twice at once: a run asked for meanwhile starts after, and callers meanwhile share it', async () => {
    const { state, sweep } = heldSweep();
    const metrics = createMetrics();
    const sweeper = new Sweeper({ things: sweep }, { log, metrics, intervalMs: 0 });
    const first = sweeper.run('things');
    await until(() => state.started === 1, 'the first run');
    const second = sweeper.run('things');
    const third = sweeper.run('things');
    expect(third).toBe(second);
    await new Promise((r) => setTimeout(r, 20));
    expect(state.started).toBe(1);
    state.release.shift()!();
    expect(await first).toEqual({ things: 2 });
    await until(() => state.started === 2, 'the second run');
    state.release.shift()!();
    expect(await second).toEqual({ things: 2 });
    expect(state.mostAtOnce).toBe(1);
    expect(await counted(metrics, 'swept')).toEqual([[{ kind: 'things' }, 4]]);
    await sweeper.close();
  });

  it('runs each sweep every interval by itself, and goes on after a failed run, which it counts', async () => {
    const metrics = createMetrics();
    let calls = 0;
    const sweeper = new Sweeper({
      flaky: async () => {
        calls++;
        if (calls === 1) throw new Error('database went away');
      },
    }, { log, metrics, intervalMs: 30 });
    sweeper.start();
    await until(() => calls >= 3, 'three runs');
    await sweeper.close();
    expect(await counted(metrics, 'sweepFailures')).toEqual([[{ sweep: 'flaky' }, 1]]);
  });

  it('close stops the timers, aborts the run in progress and waits for it', async () => {
    const { state, sweep } = heldSweep();
    const sweeper = new Sweeper({ things: sweep }, { log, metrics: createMetrics(), intervalMs: 20 });
    sweeper.start();
    await until(() => state.started === 1, 'the first run');
    let closed = false;
    const closing = sweeper.close().then(() => (closed = true));
    expect(state.signals[0]!.aborted).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(closed).toBe(false);
    state.release.shift()!();
    await closing;
    await new Promise((r) => setTimeout(r, 60));
    expect(state.started).toBe(1);
  });

  it('with interval 0 runs nothing by itself, and a run asked for still happens', async () => {
    let calls = 0;
    const sweeper = new Sweeper({ things: async () => void calls++ }, { log, metrics: createMetrics(), intervalMs: 0 });
    sweeper.start();
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(0);
    await sweeper.run('things');
    expect(calls).toBe(1);
    await sweeper.close();
  });
});
