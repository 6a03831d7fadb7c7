#!/usr/bin/env node
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LoadGenerator } from './load/LoadGenerator.js';
import { describeMachine, describeServer } from './machine.js';
import { parseOptions, USAGE, type BenchOptions, type ScenarioName } from './options.js';
import { startProsody } from './peers/prosody.js';
import { startSocketIoRelay, startWsEcho } from './peers/nodePeers.js';
import { killAllProcs } from './proc.js';
import { latencyChart } from './report/chart.js';
import { markdownReport } from './report/markdown.js';
import { figuresByRun, medianDirect, medianFigures, newRunDir, writeJson, type RunFile } from './report/results.js';
import { formatTable } from './report/table.js';
import { catchupScenario } from './scenarios/catchup.js';
import { connectionsScenario } from './scenarios/connections.js';
import { directScenario } from './scenarios/direct.js';
import { fanoutScenario } from './scenarios/fanout.js';
import { historyScenario } from './scenarios/history.js';
import { profileDirect } from './scenarios/profile.js';
import type { RunContext, Scenario, ScenarioResult } from './scenarios/Scenario.js';
import { startServices, type Services } from './services.js';
import { startParley } from './targets/parley.js';

const bootedAt = Date.now();

const SCENARIO_RUNNERS: Record<ScenarioName, Scenario> = {
  connections: connectionsScenario,
  direct: directScenario,
  fanout: fanoutScenario,
  catchup: catchupScenario,
  history: historyScenario,
};

function context(options: BenchOptions, generator: LoadGenerator): { ctx: RunContext; stopServices(): Promise<void> } {
  let services: Promise<Services> | undefined;
  const ctx: RunContext = {
    options,
    generator,
    services: () => (services ??= startServices()),
    startParley: async (backend, opts) =>
      startParley(backend, backend === 'embedded' ? undefined : await ctx.services(), { heartbeatMs: options.scale.heartbeatMs, serverDir: options.serverDir, ...opts }),
    startPeer: (name) => (name === 'prosody' ? startProsody() : startSocketIoRelay(options.scale.heartbeatMs)),
    startEcho: () => startWsEcho(options.scale.heartbeatMs),
    log: (line) => console.log(`${line}  [${((Date.now() - bootedAt) / 1000).toFixed(1)} s]`),
  };
  return { ctx, stopServices: async () => void (services && (await (await services).stop())) };
}

/**
 * Load-generator processes of their own for each scenario (and the profile): after the
 * connections scenario the workers' heaps held some 10,000 closed clients each, which the next
 * scenario's steps paid for in collections.
 */
function freshGenerator(ctx: RunContext): void {
  if (ctx.generator.fresh) return;
  ctx.generator.stop();
  ctx.generator = LoadGenerator.start(ctx.options.workers, ctx.options.sourceAddresses);
}

/** A scenario that fails is reported as such; the others still run. */
async function runScenario(ctx: RunContext, name: ScenarioName): Promise<ScenarioResult> {
  freshGenerator(ctx);
  try {
    return await SCENARIO_RUNNERS[name](ctx);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`scenario ${name} failed: ${err instanceof Error ? err.stack : message}`);
    await ctx.generator.closeAll().catch(() => undefined);
    return { scenario: name, tables: [{ title: `${name}: FAILED`, headers: ['error'], rows: [[message.split('\n')[0]!.slice(0, 300)]] }], targets: [], figures: {}, error: message };
  }
}

function drawChart(runDir: string, file: RunFile): void {
  const targets = medianDirect(file.runs);
  if (targets.length === 0) return;
  const m = file.machine;
  const subtitle = `${m.cores} cores ${m.cpuModel}, Node ${m.node}, load average ${m.loadAverageAtStart} at start; median of ${file.runs.length} run(s)${file.options.quick ? ', --quick' : ''}`;
  fs.writeFileSync(path.join(runDir, 'direct-latency.svg'), latencyChart(targets, subtitle));
}

async function runAll(options: BenchOptions): Promise<void> {
  const runDir = newRunDir(options.outDir);
  const file: RunFile = { startedAt: new Date().toISOString(), machine: describeMachine(), server: describeServer(options.serverDir), options, runs: [] };
  console.log(`Parley bench → ${runDir}\nmachine: ${JSON.stringify(file.machine)}\nserver: ${file.server.dir} at ${file.server.commit}`);
  const { ctx, stopServices } = context(options, LoadGenerator.start(options.workers, options.sourceAddresses));
  const started = Date.now();
  try {
    for (let run = 1; run <= options.runs; run++) {
      if (options.runs > 1) console.log(`\n=== run ${run} of ${options.runs} ===`);
      const results: ScenarioResult[] = [];
      file.runs.push(results);
      for (const name of options.scenarios) {
        const result = await runScenario(ctx, name);
        results.push(result);
        for (const table of result.tables) console.log(formatTable(table));
        writeJson(path.join(runDir, `${name}${options.runs > 1 ? `-run${run}` : ''}.json`), { machine: file.machine, server: file.server, quick: options.quick, ...result });
        writeJson(path.join(runDir, 'run.json'), file);
      }
    }
    if (options.profile) {
      freshGenerator(ctx);
      const result = await profileDirect(ctx, runDir);
      for (const table of result.tables) console.log(formatTable(table));
      writeJson(path.join(runDir, 'profile.json'), result);
    }
  } finally {
    ctx.generator.stop();
    await stopServices();
    file.finishedAt = new Date().toISOString();
    file.loadAverageAtEnd = Math.round(os.loadavg()[0]! * 100) / 100;
    file.medians = medianFigures(file.runs);
    writeJson(path.join(runDir, 'run.json'), file);
    drawChart(runDir, file);
    if (options.runs > 1) {
      const byRun = figuresByRun(file.runs);
      const rows = Object.entries(file.medians).map(([k, v]) => [k, v, (byRun.get(k) ?? []).join(' / ')]);
      console.log(formatTable({ title: `Medians over ${options.runs} runs`, headers: ['figure', 'median', 'each run'], rows }));
    }
    console.log(`\nfinished in ${Math.round((Date.now() - started) / 1000)} s; results in ${runDir} (run.json, one JSON per scenario, direct-latency.svg)`);
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) return void console.log(USAGE);
  if (argv[0] === 'report') {
    for (const f of argv.slice(1)) console.log(markdownReport(JSON.parse(fs.readFileSync(f, 'utf8')) as RunFile));
    return;
  }
  if (argv[0] === 'chart') {
    for (const f of argv.slice(1)) {
      const file = JSON.parse(fs.readFileSync(f, 'utf8')) as RunFile;
      drawChart(path.dirname(path.resolve(f)), file);
      console.log(`wrote ${path.join(path.dirname(path.resolve(f)), 'direct-latency.svg')}`);
    }
    return;
  }
  await runAll(parseOptions(argv));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => (killAllProcs(), process.exit(130)));
process.on('exit', killAllProcs);

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exitCode = 1;
});
