import http from 'node:http';
import { newHistogram, summarize, type LatencySummary } from '../histogram.js';
import { settleBulkLoad, seedMessages, seedPrivateChats, seedUsers } from '../seed.js';
import type { ParleyTarget } from '../targets/parley.js';
import { round, type RunContext, type ScenarioResult } from './Scenario.js';

const PAGE = 50;

/**
 * Pages of 50 back from random points of a long chat, one request at a time, through REST, with
 * node:http on a kept-alive connection (fetch's streams cost the client, on the same two cores,
 * about a millisecond a request).
 */
async function page(target: ParleyTarget, chatId: string, token: string, stored: number, pages: number, warmUp: number): Promise<LatencySummary> {
  const h = newHistogram();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  // Requests go round the nodes, so each node gets its own warm-up.
  const unmeasured = warmUp * target.baseUrls.length;
  try {
    for (let i = 0; i < unmeasured + pages; i++) {
      const before = PAGE + 1 + Math.floor(Math.random() * (stored - PAGE));
      const base = target.baseUrls[i % target.baseUrls.length];
      const started = performance.now();
      const res = await get(agent, `${base}/api/v1/chats/${chatId}/messages?limit=${PAGE}&before=${before}`, token);
      const body = JSON.parse(res.body) as { messages?: Array<{ seq: number }> };
      const us = (performance.now() - started) * 1000;
      if (res.status !== 200 || body.messages?.length !== PAGE || body.messages[0]!.seq !== before - PAGE) {
        throw new Error(`history page before ${before}: ${res.status} ${res.body.slice(0, 200)}`);
      }
      if (i >= unmeasured) h.recordValue(Math.round(us));
    }
  } finally {
    agent.destroy();
  }
  return summarize(h);
}

function get(agent: http.Agent, url: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

export async function historyScenario(ctx: RunContext): Promise<ScenarioResult> {
  const { historyMessages, historyPages, historyWarmUp } = ctx.options.scale;
  ctx.log(`history: pages of ${PAGE} back in a chat of ${historyMessages} messages`);
  const rows: Array<{ key: string; label: string; stored: number; seedSec: number; pages: number; latency: LatencySummary }> = [];
  for (const backend of ctx.options.backends) {
    const target = await ctx.startParley(backend);
    try {
      const [reader, writer] = await seedUsers(target.store, 2, 'h');
      const [chatId] = await seedPrivateChats(target.store, [[reader!, writer!]]);
      const started = Date.now();
      await seedMessages(target.store, chatId!, writer!.userId, historyMessages);
      await settleBulkLoad(target.store);
      const seedSec = (Date.now() - started) / 1000;
      const latency = await page(target, chatId!, target.token(reader!), historyMessages, historyPages, historyWarmUp);
      rows.push({ key: target.key, label: target.label, stored: historyMessages, seedSec: round(seedSec, 1), pages: historyPages, latency });
      ctx.log(`  ${target.label}: p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms`);
    } finally {
      await target.stop();
    }
  }
  return {
    scenario: 'history',
    targets: rows,
    figures: Object.fromEntries(rows.flatMap((r) => [[`${r.key}.historyP50Ms`, r.latency.p50Ms], [`${r.key}.historyP99Ms`, r.latency.p99Ms]])),
    tables: [
      {
        title: `History: GET /chats/{id}/messages?limit=${PAGE}&before=<random seq> in a chat of ${historyMessages} messages`,
        headers: ['target', 'stored', 'seeded in s', 'pages', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
        rows: rows.map((r) => [r.label, r.stored, r.seedSec, r.pages, r.latency.p50Ms, r.latency.p95Ms, r.latency.p99Ms, r.latency.maxMs]),
        notes: [`One request at a time over a kept-alive HTTP connection (node:http), measured at the client, after ${historyWarmUp} unmeasured ones per node (a fresh process is still compiling its request path for the first thousand or so). Goal: p99 under 5 ms.`],
      },
    ],
  };
}
