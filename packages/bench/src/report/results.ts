import fs from 'node:fs';
import path from 'node:path';
import type { Machine } from '../machine.js';
import type { BenchOptions } from '../options.js';
import type { DirectTarget } from '../scenarios/direct.js';
import { median, type ScenarioResult } from '../scenarios/Scenario.js';

/** Everything one `npm run bench` wrote: .bench-results/<run id>/run.json. */
export interface RunFile {
  startedAt: string;
  finishedAt?: string;
  machine: Machine;
  server: { dir: string; commit: string };
  loadAverageAtEnd?: number;
  options: BenchOptions;
  /** One entry per repetition (`--runs`), each with every scenario's result. */
  runs: ScenarioResult[][];
  /** Median of each figure over the repetitions. */
  medians?: Record<string, number>;
}

export function newRunDir(outDir: string): string {
  const id = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const dir = path.resolve(outDir, id);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export function writeJson(file: string, value: unknown): void {
  fs.writeFileSync(file, JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
}

/** Every figure's value in each run, keyed `<scenario>.<target>.<what>`. */
export function figuresByRun(runs: ScenarioResult[][]): Map<string, number[]> {
  const all = new Map<string, number[]>();
  for (const run of runs) for (const result of run) for (const [k, v] of Object.entries(result.figures)) all.set(`${result.scenario}.${k}`, [...(all.get(`${result.scenario}.${k}`) ?? []), v]);
  return all;
}

export function medianFigures(runs: ScenarioResult[][]): Record<string, number> {
  return Object.fromEntries([...figuresByRun(runs)].map(([k, values]) => [k, Math.round(median(values) * 100) / 100]));
}

/**
 * The direct scenario's targets with each step's latencies the median over the runs that reached
 * that step (the ramp stops where p99 passes 2 s, which need not be the same step in every run).
 */
export function medianDirect(runs: ScenarioResult[][]): DirectTarget[] {
  const perRun = runs.map((run) => (run.find((r) => r.scenario === 'direct' && r.targets.every((t) => 'steps' in t))?.targets ?? []) as unknown as DirectTarget[]);
  const keys = [...new Set(perRun.flat().map((t) => t.key))];
  return keys.map((key) => {
    const same = perRun.map((ts) => ts.find((x) => x.key === key)).filter((x): x is DirectTarget => !!x);
    const rates = [...new Set(same.flatMap((x) => x.steps.map((s) => s.offered)))].sort((a, b) => a - b);
    return {
      ...same[0]!,
      headlineRate: median(same.map((x) => x.headlineRate)),
      steps: rates.map((rate) => {
        const at = same.map((x) => x.steps.find((y) => y.offered === rate)).filter((y): y is NonNullable<typeof y> => !!y);
        return {
          ...at[0]!,
          e2e: { ...at[0]!.e2e, p50Ms: median(at.map((y) => y.e2e.p50Ms)), p99Ms: median(at.map((y) => y.e2e.p99Ms)) },
          holds: at.filter((y) => y.holds).length * 2 > at.length,
        };
      }),
    };
  });
}
