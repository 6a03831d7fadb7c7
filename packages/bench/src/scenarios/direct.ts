import { nowUs, sleep } from '../clock.js';
import { summarize, type LatencySummary } from '../histogram.js';
import type { ClientRef } from '../load/LoadGenerator.js';
import { cpuSecondsOf, machineBusySeconds } from '../proc.js';
import { totalCpuSeconds, totalRunQueueWait, type Target } from '../targets/Target.js';
import { openPairs, ratio, round, type RunContext, type ScenarioResult, type Table } from './Scenario.js';

/** Per connection Parley allows 200 frames/s by default (WS_RATE_PER_SEC); the bench stays well under. */
const MAX_RATE_PER_SENDER = 100;
/** A step this bad ends the ramp: the rates above it would only pile up a backlog. */
const GIVE_UP_P99_MS = 2000;
export const GOAL_P99_MS = 50;

export interface DirectStep {
  offered: number;
  sent: number;
  ackedPerSec: number;
  deliveredPerSec: number;
  deliveredPct: number;
  errors: number;
  firstError?: string;
  e2e: LatencySummary;
  ack: LatencySummary;
  generatorLagP99Ms: number;
  serverCpuPct: number;
  /** PostgreSQL + Redis, on those backends. */
  dbCpuPct: number;
  /** The load generator's worker processes, and every core of the machine (200% = both of two cores). */
  generatorCpuPct: number;
  machineBusyPct: number;
  /** Share of the step the server's main thread(s) sat runnable without a CPU: other load on the machine. */
  serverWaitPct: number;
  /** Parley's write path from its /metrics: commits per second, messages per commit, time in commits. */
  writePath?: WritePath;
  holds: boolean;
}

export interface DirectTarget {
  key: string;
  label: string;
  pairs: number;
  hasAcks: boolean;
  steps: DirectStep[];
  /** The highest offered rate that held: p99 < 50 ms, ≥ 99% delivered (and acked), no errors. */
  headlineRate: number;
}

export interface WritePath {
  commitsPerSec: number;
  messagesPerCommit: number;
  commitMeanMs: number;
  /** Share of wall time spent storing batches; on SQLite this blocks the event loop. */
  commitBusyPct: number;
}

const COMMIT_METRICS = ['parley_commit_batch_size_count', 'parley_commit_batch_size_sum', 'parley_commit_seconds_sum'];

function writePath(before: Record<string, number>, after: Record<string, number>, wallSec: number): WritePath {
  const d = (name: string) => (after[name] ?? 0) - (before[name] ?? 0);
  const commits = d('parley_commit_batch_size_count');
  return {
    commitsPerSec: round(commits / wallSec, 0),
    messagesPerCommit: round(d('parley_commit_batch_size_sum') / Math.max(1, commits), 1),
    commitMeanMs: round((1000 * d('parley_commit_seconds_sum')) / Math.max(1, commits), 2),
    commitBusyPct: round((100 * d('parley_commit_seconds_sum')) / wallSec, 0),
  };
}

let stepCounter = 0;

async function runStep(ctx: RunContext, target: Target, routes: Array<{ from: ClientRef; to: string }>, rate: number, hasAcks: boolean, stepMs?: number): Promise<DirectStep> {
  const { directDrainMs } = ctx.options.scale;
  const directStepMs = stepMs ?? ctx.options.scale.directStepMs;
  const step = ++stepCounter;
  const support = target.supportPids?.() ?? [];
  const cpuBefore = totalCpuSeconds(target);
  const dbBefore = cpuSecondsOf(support);
  const genBefore = cpuSecondsOf(ctx.generator.pids);
  const machineBefore = machineBusySeconds();
  const waitBefore = totalRunQueueWait(target);
  const metricsBefore = await target.scrape?.(COMMIT_METRICS);
  const wallBefore = Date.now();
  const sent = await ctx.generator.send(step, routes, rate, nowUs() + 200_000, directStepMs);
  await sleep(directDrainMs);
  const wallSec = (Date.now() - wallBefore) / 1000;
  const cpuPct = ((totalCpuSeconds(target) - cpuBefore) / wallSec) * 100;
  const genPct = ((cpuSecondsOf(ctx.generator.pids) - genBefore) / wallSec) * 100;
  const machinePct = ((machineBusySeconds() - machineBefore) / wallSec) * 100;
  const waitPct = ((totalRunQueueWait(target) - waitBefore) / wallSec) * 100;
  const metricsAfter = await target.scrape?.(COMMIT_METRICS);
  // Backends that started during the step are missed at its start: their CPU counts from zero, which is right.
  const dbPct = support.length ? ((cpuSecondsOf(target.supportPids!()) - dbBefore) / wallSec) * 100 : NaN;
  const r = await ctx.generator.report(step, sent);
  const seconds = directStepMs / 1000;
  const e2e = summarize(r.e2e);
  const deliveredPct = r.sent > 0 ? (100 * r.delivered) / r.sent : 0;
  const ackedOk = !hasAcks || r.acked >= 0.99 * r.sent;
  return {
    offered: rate,
    sent: r.sent,
    ackedPerSec: hasAcks ? round(r.acked / seconds, 0) : NaN,
    deliveredPerSec: round(r.delivered / seconds, 0),
    deliveredPct: round(deliveredPct, 2),
    errors: r.errors,
    firstError: r.firstError,
    e2e,
    ack: summarize(r.ack),
    generatorLagP99Ms: summarize(r.lag).p99Ms,
    serverCpuPct: round(cpuPct, 0),
    dbCpuPct: round(dbPct, 0),
    generatorCpuPct: round(genPct, 0),
    machineBusyPct: round(machinePct, 0),
    serverWaitPct: round(waitPct, 0),
    writePath: metricsBefore && metricsAfter ? writePath(metricsBefore, metricsAfter, wallSec) : undefined,
    holds: e2e.p99Ms < GOAL_P99_MS && deliveredPct >= 99 && ackedOk && r.errors === 0,
  };
}

export async function measureDirect(ctx: RunContext, target: Target): Promise<DirectTarget> {
  const { directRates, directMinPairs } = ctx.options.scale;
  const pairCount = Math.max(directMinPairs, Math.ceil(Math.max(...directRates) / MAX_RATE_PER_SENDER));
  const routes = await openPairs(ctx, target, pairCount);
  const hasAcks = target.kind !== 'xmpp';
  await runStep(ctx, target, routes, Math.min(...directRates), hasAcks, ctx.options.scale.directWarmUpMs);
  const steps: DirectStep[] = [];
  for (const rate of directRates) {
    const s = await runStep(ctx, target, routes, rate, hasAcks);
    steps.push(s);
    ctx.log(`  ${target.label} @ ${rate}/s: p99 ${s.e2e.p99Ms} ms, delivered ${s.deliveredPct}%, errors ${s.errors}${s.firstError ? ` (${s.firstError.slice(0, 120)})` : ''}`);
    if (!(s.e2e.p99Ms < GIVE_UP_P99_MS) || s.deliveredPct < 50) break;
    await sleep(500);
  }
  await ctx.generator.closeAll();
  const held = steps.filter((s) => s.holds).map((s) => s.offered);
  return { key: target.key, label: target.label, pairs: routes.length, hasAcks, steps, headlineRate: held.length ? Math.max(...held) : 0 };
}

export function directTables(results: DirectTarget[], parleyKeys: string[], peerKeys: string[]): Table[] {
  const fmt = (n: number) => (Number.isFinite(n) ? n : '–');
  const steps: Table = {
    title: '1:1 messages at rising offered rates (latency from scheduled send to the recipient\'s frame)',
    headers: ['target', 'offered/s', 'acked/s', 'delivered/s', 'delivered %', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'ack p99 ms', 'errors', 'server CPU %', 'server waited %', 'db CPU %', 'gen CPU %', 'machine busy %', 'gen lag p99 ms'],
    rows: results.flatMap((t) =>
      t.steps.map((s) => [t.label, s.offered, fmt(s.ackedPerSec), s.deliveredPerSec, s.deliveredPct, s.e2e.p50Ms, s.e2e.p95Ms, s.e2e.p99Ms, s.e2e.maxMs, t.hasAcks ? fmt(s.ack.p99Ms) : 'n/a', s.errors, s.serverCpuPct, s.serverWaitPct, fmt(s.dbCpuPct), fmt(s.generatorCpuPct), fmt(s.machineBusyPct), s.generatorLagP99Ms]),
    ),
    notes: [
      'server CPU % is summed over a cluster\'s processes (200% = both cores); db CPU % is PostgreSQL\'s and Redis\'s; gen CPU % the load generator\'s; machine busy % every core\'s, the kernel\'s work for loopback TCP included.',
      'server waited % = time its main thread was runnable but got no core (other processes on the machine, the generator included).',
      'gen lag = how late the generator sent against its schedule; it is included in the latencies.',
    ],
  };
  const writes: Table = {
    title: "Parley's write path per step (from its /metrics)",
    headers: ['target', 'offered/s', 'commits/s', 'messages/commit', 'mean commit ms', 'time in commits %'],
    rows: results.flatMap((t) =>
      t.steps.flatMap((s) => (s.writePath ? [[t.label, s.offered, s.writePath.commitsPerSec, s.writePath.messagesPerCommit, s.writePath.commitMeanMs, s.writePath.commitBusyPct]] : [])),
    ),
    notes: ['time in commits = share of wall time a batch was being stored (summed over nodes); on SQLite each commit holds the event loop.'],
  };
  const byKey = new Map(results.map((r) => [r.key, r]));
  const headline: Table = {
    title: `Headline: highest offered rate with p99 < ${GOAL_P99_MS} ms, ≥ 99% delivered, no errors`,
    headers: ['target', 'pairs', 'headline msgs/s', ...peerKeys.map((k) => `vs ${k}`)],
    rows: results.map((t) => [
      t.label,
      t.pairs,
      t.headlineRate,
      ...peerKeys.map((k) => (parleyKeys.includes(t.key) ? ratio(t.headlineRate, byKey.get(k)?.headlineRate ?? NaN) : '')),
    ]),
  };
  return writes.rows.length ? [steps, writes, headline] : [steps, headline];
}

export async function directScenario(ctx: RunContext): Promise<ScenarioResult> {
  ctx.log(`direct: rates ${ctx.options.scale.directRates.join(', ')} msgs/s, ${ctx.options.scale.directStepMs / 1000} s each`);
  const results: DirectTarget[] = [];
  const parleyKeys: string[] = [];
  const run = async (start: () => Promise<Target>) => {
    const target = await start();
    try {
      results.push(await measureDirect(ctx, target));
      return target.key;
    } finally {
      await target.stop();
    }
  };
  for (const backend of ctx.options.backends) parleyKeys.push(await run(() => ctx.startParley(backend)));
  const peerKeys: string[] = [];
  for (const peer of ctx.options.peers) peerKeys.push(await run(() => ctx.startPeer(peer)));

  const figures: Record<string, number> = {};
  for (const t of results) {
    figures[`${t.key}.headlineRate`] = t.headlineRate;
    for (const s of t.steps) {
      figures[`${t.key}.rate${s.offered}.p50Ms`] = s.e2e.p50Ms;
      figures[`${t.key}.rate${s.offered}.p99Ms`] = s.e2e.p99Ms;
      figures[`${t.key}.rate${s.offered}.deliveredPerSec`] = s.deliveredPerSec;
      // CPU per message: what bounds a rate on a machine whose cores the server and generator share.
      const perMessageUs = (pct: number) => (s.deliveredPerSec > 0 ? (pct * 10_000) / s.deliveredPerSec : NaN);
      figures[`${t.key}.rate${s.offered}.serverUsPerMsg`] = perMessageUs(s.serverCpuPct + (Number.isFinite(s.dbCpuPct) ? s.dbCpuPct : 0));
      figures[`${t.key}.rate${s.offered}.generatorUsPerMsg`] = perMessageUs(s.generatorCpuPct);
      figures[`${t.key}.rate${s.offered}.machineUsPerMsg`] = perMessageUs(s.machineBusyPct);
    }
  }
  return { scenario: 'direct', targets: results, figures, tables: directTables(results, parleyKeys, peerKeys) };
}
