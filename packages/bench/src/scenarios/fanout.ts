import { nowUs, sleep } from '../clock.js';
import { summarize, type LatencySummary } from '../histogram.js';
import { LoadGenerator } from '../load/LoadGenerator.js';
import { addGroupMembers, seedGroup } from '../seed.js';
import type { Backend } from '../targets/parley.js';
import { LAG_MAX, median, openPairs, round, specFor, type RunContext, type ScenarioResult } from './Scenario.js';

let stepCounter = 1_000_000;
/**
 * Bystanders: pairs of users in private chats on the same server, sending to each other at a
 * steady rate while the group's messages go out. Their latency is what the fan-out costs
 * everyone else on the node. They live in a generator process of their own: in the workers that
 * hold the group's members, they would wait behind the reading of thousands of group frames.
 */
const BYSTANDER_PAIRS = 20;
const BYSTANDER_RATE = 200;

interface FanoutRow {
  backend: Backend;
  label: string;
  groupSize: number;
  online: number;
  messages: number;
  /** Per message: ms from its scheduled send until the last online member had it. */
  lastMemberMs: number[];
  medianLastMs: number;
  maxLastMs: number;
  memberP50Ms: number;
  memberP99Ms: number;
  completePct: number;
  connectSec: number;
  /** The longest the server's event loop was held up while the messages went out (largest over nodes). */
  lagMaxMs?: number;
  /** 1:1 messages between other users meanwhile, send → recipient. */
  bystanders: LatencySummary;
  bystandersDeliveredPct: number;
  /** How late the generator itself sent the bystanders' messages at worst: its workers also read the group's frames. */
  bystandersGeneratorLagMaxMs: number;
}

/**
 * One group of `size` members, all online, and one member sending a few messages into it. The
 * members connect before they are added to the group (membership is read at send time), so the
 * measurement is of the message fan-out, not of presence frames among members coming online.
 */
async function fanOutOnce(ctx: RunContext, backend: Backend, size: number): Promise<FanoutRow> {
  const target = await ctx.startParley(backend);
  const others = LoadGenerator.start(1, ctx.options.sourceAddresses);
  try {
    const users = await target.seedUsers(size);
    const groupId = await seedGroup(target.store, users[0]!, `fan-out ${size}`);
    const started = Date.now();
    const { refs, failed, firstError } = await ctx.generator.open(
      users.map((u, i) => specFor(target, { user: u.userId, secret: target.token(u) }, i)),
      (i) => i,
      200,
    );
    const connectSec = (Date.now() - started) / 1000;
    if (failed > 0) ctx.log(`  ${failed} members failed to connect: ${firstError}`);
    await addGroupMembers(target.store, groupId, users.slice(1));
    const online = refs.slice(1).filter(Boolean).length;
    const bystanders = await openPairs(ctx, target, BYSTANDER_PAIRS, others);

    const step = ++stepCounter;
    const bystanderStep = ++stepCounter;
    await Promise.all([ctx.generator.expect(step, true), others.expect(bystanderStep, false)]);
    await target.scrape?.([LAG_MAX]);
    const intervalMs = size >= 5000 ? 1000 : 500;
    const startAtUs = nowUs() + 200_000;
    const durationMs = ctx.options.scale.groupMessages * intervalMs;
    const [sent, bystandersSent] = await Promise.all([
      ctx.generator.send(step, [{ from: refs[0]!, to: groupId }], 1000 / intervalMs, startAtUs, durationMs),
      others.send(bystanderStep, bystanders, BYSTANDER_RATE, startAtUs, durationMs),
    ]);
    await sleep(Math.max(1000, size / 2));
    const [r, b] = await Promise.all([ctx.generator.report(step, sent), others.report(bystanderStep, bystandersSent)]);
    const lag = await target.scrape?.([LAG_MAX], 'max');
    const bystanderLatency = summarize(b.e2e);
    const bystanderGeneratorLag = summarize(b.lag).maxMs;
    const last = [...r.perMessage.values()].map(([, maxUs]) => maxUs / 1000);
    const complete = [...r.perMessage.values()].filter(([count]) => count >= online).length;
    const e2e = summarize(r.e2e);
    ctx.log(
      `  ${target.label}, ${size} members: last member after ${round(median(last), 1)} ms (median of ${last.length}); acked ${r.acked}/${r.sent}, errors ${r.errors}${r.firstError ? ` (${r.firstError})` : ''}; ` +
        `bystanders p99 ${bystanderLatency.p99Ms} ms, max ${bystanderLatency.maxMs} (sent late by up to ${bystanderGeneratorLag}), ${b.delivered}/${b.sent} delivered`,
    );
    return {
      backend,
      label: target.label,
      groupSize: size,
      online,
      messages: r.sent,
      lastMemberMs: last.map((v) => round(v, 2)),
      medianLastMs: round(median(last), 2),
      maxLastMs: round(Math.max(...last), 2),
      memberP50Ms: e2e.p50Ms,
      memberP99Ms: e2e.p99Ms,
      completePct: round((100 * complete) / Math.max(1, r.sent), 1),
      connectSec: round(connectSec, 1),
      lagMaxMs: lag ? round(lag[LAG_MAX]! * 1000, 1) : undefined,
      bystanders: bystanderLatency,
      bystandersDeliveredPct: round((100 * b.delivered) / Math.max(1, b.sent), 1),
      bystandersGeneratorLagMaxMs: bystanderGeneratorLag,
    };
  } finally {
    others.stop();
    // Stopped before the clients go: members leaving one by one would each tell every other member.
    await target.stop();
    await ctx.generator.closeAll();
  }
}

export async function fanoutScenario(ctx: RunContext): Promise<ScenarioResult> {
  const { groupSizes } = ctx.options.scale;
  ctx.log(`fan-out: groups of ${groupSizes.join(', ')} online members`);
  const rows: FanoutRow[] = [];
  for (const backend of ctx.options.backends) for (const size of groupSizes) rows.push(await fanOutOnce(ctx, backend, size));
  const figures: Record<string, number> = {};
  for (const r of rows) {
    figures[`parley-${r.backend}.group${r.groupSize}.lastMemberMs`] = r.medianLastMs;
    if (r.lagMaxMs !== undefined) figures[`parley-${r.backend}.group${r.groupSize}.lagMaxMs`] = r.lagMaxMs;
    figures[`parley-${r.backend}.group${r.groupSize}.bystanderP99Ms`] = r.bystanders.p99Ms;
    figures[`parley-${r.backend}.group${r.groupSize}.bystanderMaxMs`] = r.bystanders.maxMs;
    figures[`parley-${r.backend}.group${r.groupSize}.bystanderDeliveredPct`] = r.bystandersDeliveredPct;
  }
  return {
    scenario: 'fanout',
    targets: rows.map((r) => ({ key: `parley-${r.backend}-${r.groupSize}`, ...r })),
    figures,
    tables: [
      {
        title: 'Group fan-out: one message into a group whose members are all online',
        headers: ['target', 'members', 'online', 'messages', 'last member ms (median)', 'last member ms (max)', 'member p50 ms', 'member p99 ms', 'complete %', 'connect s', 'event-loop lag max ms', 'bystander p50 / p99 / max ms'],
        rows: rows.map((r) => [r.label, r.groupSize, r.online, r.messages, r.medianLastMs, r.maxLastMs, r.memberP50Ms, r.memberP99Ms, r.completePct, r.connectSec, r.lagMaxMs ?? '', `${r.bystanders.p50Ms} / ${r.bystanders.p99Ms} / ${r.bystanders.maxMs}`]),
        notes: [
          'Time from the scheduled send to the frame at the last online member. Goal: 10,000 members within 200 ms.',
          `Event-loop lag max = the server's longest event-loop delay while the messages went out: what every other client of the node waited at worst (its ${LAG_MAX}, 10 ms resolution).`,
          `Bystanders = ${BYSTANDER_PAIRS} other pairs of users sending 1:1 messages, ${BYSTANDER_RATE}/s in all, over the same seconds: their end-to-end latency is what the fan-out costs the rest of the node.`,
        ],
      },
    ],
  };
}
