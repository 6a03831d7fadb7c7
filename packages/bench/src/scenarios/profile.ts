import fs from 'node:fs';
import path from 'node:path';
import { summarizeProfile } from '../report/cpuProfile.js';
import { flameGraph } from '../report/flameGraph.js';
import { measureDirect } from './direct.js';
import type { RunContext, ScenarioResult } from './Scenario.js';

/**
 * The direct scenario once more against the embedded default under `node --cpu-prof`, and where
 * the server's CPU time went. Profiling slows the server somewhat, so these latencies are not
 * the figures; the shares of time are.
 */
export async function profileDirect(ctx: RunContext, runDir: string): Promise<ScenarioResult> {
  const dir = path.join(runDir, 'cpu-profile');
  fs.mkdirSync(dir, { recursive: true });
  ctx.log(`profile: direct scenario against Parley (embedded) under --cpu-prof → ${dir}`);
  const target = await ctx.startParley('embedded', { cpuProfDir: dir });
  let measured;
  try {
    measured = await measureDirect(ctx, target);
  } finally {
    await target.stop();
  }
  const file = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f))[0];
  if (!file) throw new Error(`no .cpuprofile written in ${dir}`);
  const summary = summarizeProfile(file);
  const flame = path.join(runDir, 'direct-flame.svg');
  fs.writeFileSync(flame, flameGraph(file, `Parley (embedded) in the direct scenario, ${summary.sampledSec} s under --cpu-prof`));
  ctx.log(`  flame graph → ${flame}`);
  const profiled = { key: 'parley-embedded-profiled', label: `${target.label}, under --cpu-prof`, direct: measured, profile: summary };
  return {
    scenario: 'direct',
    targets: [profiled],
    figures: {},
    tables: [
      {
        title: `Where Parley's CPU time went in the direct scenario (${summary.sampledSec} s sampled, ${summary.idlePct}% idle; % of busy time)`,
        headers: ['function (self time first, then inclusive)', 'self %', 'total %'],
        rows: summary.functions.map((f) => [f.name, f.selfPct, f.totalPct]),
      },
      { title: 'Self time by code area', headers: ['area', 'self %'], rows: summary.areas.map((a) => [a.name, a.selfPct]) },
    ],
  };
}
