import { sleep } from '../clock.js';
import { totalRssKiB, type Target } from '../targets/Target.js';
import { LAG_MAX, ratio, round, specFor, type RunContext, type ScenarioResult } from './Scenario.js';

interface Held {
  key: string;
  label: string;
  nodes: number;
  requested: number;
  opened: number;
  held: number;
  failed: number;
  firstError?: string;
  opensPerSec: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  rssPerConnKiB: number;
  /** Parley: the longest its event loop was held up while it held every connection (largest over nodes). */
  holdLagMaxMs?: number;
}

/** Share of the connections opened first; memory is measured between it and the full count. */
const FIRST_SHARE = 0.1;

/**
 * Opens `n` authenticated connections, lets them idle through a few heartbeats, and counts how
 * many are still open and what they cost in resident memory. Memory per connection is the slope
 * between 10% and 100% of the connections, both measured over a hold, so one-time costs (code
 * compiled on first use, heap spaces sized up once) are not spread over the connections.
 */
async function hold(ctx: RunContext, target: Target, n: number): Promise<Held> {
  const { scale } = ctx.options;
  const ids = await target.createUsers(n);
  const specs = ids.map((id, i) => specFor(target, id, i));
  const first = Math.max(1, Math.round(n * FIRST_SHARE));
  const rssIdle = totalRssKiB(target);
  const started = Date.now();
  const a = await ctx.generator.open(specs.slice(0, first), (i) => i, 200);
  const rssFirst = await settledRssKiB(target, scale.connectionsHoldMs / 2);
  const heldFirst = (await ctx.generator.count()).open;
  const b = await ctx.generator.open(specs.slice(first), (i) => i, 200);
  const openSec = (Date.now() - started) / 1000 - scale.connectionsHoldMs / 2000;
  await target.scrape?.([LAG_MAX]);
  const rssAfter = await settledRssKiB(target, scale.connectionsHoldMs);
  const lag = await target.scrape?.([LAG_MAX], 'max');
  const { open } = await ctx.generator.count();
  await ctx.generator.closeAll();
  const failed = a.failed + b.failed;
  const firstError = a.firstError ?? b.firstError;
  ctx.log(`  ${target.label}: ${open}/${n} held${firstError ? ` (first error: ${firstError})` : ''}`);
  return {
    key: target.key,
    label: target.label,
    nodes: target.procs.length,
    requested: n,
    opened: n - failed,
    held: open,
    failed,
    firstError,
    opensPerSec: round((n - failed) / openSec, 0),
    rssBeforeMiB: round(rssIdle / 1024),
    rssAfterMiB: round(rssAfter / 1024),
    rssPerConnKiB: round((rssAfter - rssFirst) / Math.max(1, open - heldFirst), 2),
    holdLagMaxMs: lag ? round(lag[LAG_MAX]! * 1000, 1) : undefined,
  };
}

const RSS_SAMPLE_MS = 250;

/**
 * The least resident memory seen over `ms`, sampled every 250 ms: the size once the garbage of
 * opening the connections is collected. A single reading lands before or after a major collection
 * by chance, which moved one target's figure by a third between runs; every target is read this way.
 */
async function settledRssKiB(target: Target, ms: number): Promise<number> {
  let least = totalRssKiB(target);
  for (let waited = 0; waited < ms; waited += RSS_SAMPLE_MS) {
    await sleep(RSS_SAMPLE_MS);
    least = Math.min(least, totalRssKiB(target));
  }
  return least;
}

async function measure(ctx: RunContext, start: () => Promise<Target>, n: number): Promise<Held> {
  const target = await start();
  try {
    return await hold(ctx, target, n);
  } finally {
    await target.stop();
  }
}

export async function connectionsScenario(ctx: RunContext): Promise<ScenarioResult> {
  const n = ctx.options.scale.connections;
  ctx.log(`connections: ${n} idle authenticated connections per target, heartbeat every ${ctx.options.scale.heartbeatMs} ms`);
  const echo = await measure(ctx, () => ctx.startEcho(), n);
  const parley: Held[] = [];
  for (const backend of ctx.options.backends) parley.push(await measure(ctx, () => ctx.startParley(backend), n));
  const peers: Held[] = [];
  for (const peer of ctx.options.peers) peers.push(await measure(ctx, () => ctx.startPeer(peer), n));

  const all = [echo, ...parley, ...peers];
  const figures: Record<string, number> = {};
  for (const h of all) {
    figures[`${h.key}.held`] = h.held;
    figures[`${h.key}.rssPerConnKiB`] = h.rssPerConnKiB;
    if (h.holdLagMaxMs !== undefined) figures[`${h.key}.holdLagMaxMs`] = h.holdLagMaxMs;
  }
  const peerHeaders = peers.map((p) => `RSS/conn vs ${p.key}`);
  return {
    scenario: 'connections',
    targets: all,
    figures,
    tables: [
      {
        title: `Idle authenticated connections (${n} requested per target, held ${ctx.options.scale.connectionsHoldMs / 1000} s)`,
        headers: ['target', 'processes', 'held', 'failed', 'opened/s', 'RSS before MiB', 'RSS after MiB', 'RSS/conn KiB', 'vs ws echo', ...peerHeaders, 'event-loop lag max ms'],
        rows: all.map((h) => [
          h.label,
          h.nodes,
          h.held,
          h.failed,
          h.opensPerSec,
          h.rssBeforeMiB,
          h.rssAfterMiB,
          h.rssPerConnKiB,
          h === echo ? '1×' : ratio(h.rssPerConnKiB, echo.rssPerConnKiB),
          ...peers.map((p) => (parley.includes(h) ? ratio(h.rssPerConnKiB, p.rssPerConnKiB) : '')),
          h.holdLagMaxMs ?? '',
        ]),
        notes: [
          'RSS before = idle server; RSS/conn = growth of RSS from 10% to 100% of the connections (each the least of readings every 250 ms over a hold, so not a moment before a pending collection) per added connection, summed over a cluster\'s processes.',
          'Goal: Parley within 1.2× of the bare ws echo server, up to the file-descriptor limit.',
          `Event-loop lag max = Parley's longest event-loop delay over the hold, heartbeats included (its ${LAG_MAX}).`,
        ],
      },
    ],
  };
}
