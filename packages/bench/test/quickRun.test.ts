import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import { startProc } from '../dist/proc.js';
import type { RunFile } from '../dist/report/results.js';
import type { DirectTarget } from '../dist/scenarios/direct.js';

// `npm run bench -- --quick` end to end, as a user runs it (the built CLI in its own process),
// against the backend this test run covers and the Socket.IO peer: every scenario must measure
// something real, every message must arrive, and the results must be written and reportable.
// Latencies are not judged here: that is what the benchmark itself is for.
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const backend = process.env.PARLEY_TEST_BACKEND === 'postgres' ? 'pg1' : 'embedded';
const parley = `parley-${backend}`;
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));

afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

test(`--quick runs every scenario against Parley (${backend}) and the Socket.IO relay, and reports them`, async () => {
  // The servers inherit the bench's environment: their periodic sweeps run every second, so that a
  // seeded session they would take for dead is revoked mid-run, not once an hour.
  const bench = startProc('bench --quick', process.execPath, [CLI, '--quick', '--backends', backend, '--peers', 'socketio', '--out', out], { SWEEP_INTERVAL_SEC: '1' });
  const timer = setTimeout(() => void bench.stop(1000), 200_000);
  const code = await bench.exited;
  clearTimeout(timer);
  expect(code, bench.output().slice(-3000)).toBe(0);
  const [runId] = fs.readdirSync(out);
  const runJson = path.join(out, runId!, 'run.json');
  const file = JSON.parse(fs.readFileSync(runJson, 'utf8')) as RunFile;

  const results = file.runs[0]!;
  expect(results.map((r) => r.scenario)).toEqual(['connections', 'direct', 'fanout', 'catchup', 'history']);
  for (const r of results) expect(r.error, `${r.scenario}: ${r.error}`).toBeUndefined();
  const figures = (scenario: string) => results.find((r) => r.scenario === scenario)!.figures;

  // Every target held every connection it was asked for, with a memory figure to compare.
  const connections = figures('connections');
  for (const key of ['ws-echo', parley, 'socketio']) {
    expect(connections[`${key}.held`], key).toBe(file.options.scale.connections);
    expect(connections[`${key}.rssPerConnKiB`], key).toBeGreaterThan(0);
  }
  // Read from Parley's /metrics: a positive delay, and no figure for targets without one.
  expect(connections[`${parley}.holdLagMaxMs`]).toBeGreaterThan(0);
  expect(connections['ws-echo.holdLagMaxMs']).toBeUndefined();

  // Every step of the ramp: everything sent on schedule, delivered (and acked by Parley) by the
  // bench's own measure of a step that held (≥ 99%: other test files share these cores), no errors.
  const direct = results.find((r) => r.scenario === 'direct')!.targets as unknown as DirectTarget[];
  expect(direct.map((t) => t.key).sort()).toEqual([parley, 'socketio'].sort());
  for (const target of direct) {
    expect(target.steps.map((s) => s.offered), target.key).toEqual(file.options.scale.directRates);
    for (const step of target.steps) {
      const what = `${target.key} @ ${step.offered}/s`;
      expect(step.sent, what).toBe((step.offered * file.options.scale.directStepMs) / 1000);
      expect(step.deliveredPct, what).toBeGreaterThanOrEqual(99);
      expect(step.e2e.count, what).toBe(Math.round((step.deliveredPct / 100) * step.sent));
      expect(step.errors, what).toBe(0);
      if (target.hasAcks) expect(step.ackedPerSec, what).toBeGreaterThanOrEqual(0.99 * step.offered);
    }
  }
  expect(direct.find((t) => t.key === parley)!.hasAcks).toBe(true);

  for (const size of file.options.scale.groupSizes) {
    expect(figures('fanout')[`${parley}.group${size}.lastMemberMs`]).toBeGreaterThan(0);
    // The other clients of the node sent and got their 1:1 messages meanwhile.
    expect(figures('fanout')[`${parley}.group${size}.bystanderDeliveredPct`]).toBe(100);
    expect(figures('fanout')[`${parley}.group${size}.bystanderP99Ms`]).toBeGreaterThan(0);
  }
  expect(figures('catchup')[`${parley}.catchupMs`]).toBeGreaterThan(0);
  expect(figures('history')[`${parley}.historyP99Ms`]).toBeGreaterThan(0);

  // The chart and the Markdown tables of docs/benchmarks.md come from these results.
  expect(fs.readFileSync(path.join(out, runId!, 'direct-latency.svg'), 'utf8')).toMatch(/^<svg[^>]*>[\s\S]*Socket\.IO relay[\s\S]*<\/svg>\s*$/);
  const report = spawnSync(process.execPath, [CLI, 'report', runJson], { encoding: 'utf8' });
  expect(report.status, report.stderr).toBe(0);
  for (const heading of ['### Idle connections', '### 1:1 messages', '### Group fan-out', '### Group fan-out: what other clients', '### Catch-up', '### History']) {
    expect(report.stdout).toContain(heading);
  }
}, 240_000);
