import WebSocket from 'ws';
import { settleBulkLoad, seedMessages, seedPrivateChats, seedUsers } from '../seed.js';
import type { Backend, ParleyTarget } from '../targets/parley.js';
import { median, round, type RunContext, type ScenarioResult } from './Scenario.js';

/** What the device already held of each chat when it went offline. */
const HELD_BEFORE = 20;

interface CatchUp {
  totalMs: number;
  readyMs: number;
  roundTrips: number;
  messages: number;
  bytes: number;
}

interface SyncedFrame {
  type: string;
  chats?: Array<{ chatId: string; messages: Array<{ seq: number }>; hasMore: boolean }>;
}

/**
 * One reconnect, as docs/api.md prescribes it: open, `auth` → `ready`, `sync` with the cursors it
 * held, and `sync` again while any chat `hasMore`. Current = every chat caught up, gaplessly.
 */
async function reconnect(url: string, token: string, cursors: Record<string, number>, localAddress: string): Promise<CatchUp> {
  const started = performance.now();
  const ws = new WebSocket(url, { localAddress, perMessageDeflate: false });
  const held = { ...cursors };
  let readyMs = 0;
  let roundTrips = 0;
  let messages = 0;
  let bytes = 0;
  const sync = () => (roundTrips++, ws.send(JSON.stringify({ type: 'sync', cursors: held })));
  try {
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token })));
      ws.on('error', reject);
      ws.on('close', (code) => reject(new Error(`closed ${code}`)));
      ws.on('message', (data) => {
        const text = data.toString();
        bytes += text.length;
        const frame = JSON.parse(text) as SyncedFrame;
        if (frame.type === 'ready') {
          readyMs = performance.now() - started;
          sync();
        } else if (frame.type === 'synced') {
          let more = false;
          for (const chat of frame.chats ?? []) {
            for (const m of chat.messages) {
              if (m.seq !== held[chat.chatId]! + 1) return reject(new Error(`gap in ${chat.chatId}: ${held[chat.chatId]} → ${m.seq}`));
              held[chat.chatId] = m.seq;
              messages++;
            }
            more ||= chat.hasMore;
          }
          if (more) sync();
          else resolve();
        } else if (frame.type === 'error') reject(new Error(text));
      });
    });
  } finally {
    ws.terminate();
  }
  return { totalMs: performance.now() - started, readyMs, roundTrips, messages, bytes };
}

async function catchUpOn(ctx: RunContext, target: ParleyTarget) {
  const { catchupMessages, catchupChats, catchupRepeats } = ctx.options.scale;
  const [device, ...partners] = await seedUsers(target.store, catchupChats + 1, 'k');
  const chatIds = await seedPrivateChats(target.store, partners.map((p) => [device!, p]));
  const cursors: Record<string, number> = {};
  const perChat = Math.ceil(catchupMessages / catchupChats);
  for (const [i, chatId] of chatIds.entries()) {
    await seedMessages(target.store, chatId, partners[i]!.userId, HELD_BEFORE);
    cursors[chatId] = HELD_BEFORE;
    await seedMessages(target.store, chatId, partners[i]!.userId, perChat);
  }
  await settleBulkLoad(target.store);
  const runs: CatchUp[] = [];
  for (let i = 0; i < catchupRepeats; i++) {
    runs.push(await reconnect(target.urls[i % target.urls.length]!, target.token(device!), cursors, ctx.options.sourceAddresses[0] ?? '127.0.0.1'));
  }
  return { runs, missed: perChat * catchupChats };
}

export async function catchupScenario(ctx: RunContext): Promise<ScenarioResult> {
  const { catchupMessages, catchupChats, catchupRepeats } = ctx.options.scale;
  ctx.log(`catch-up: ${catchupMessages} missed messages over ${catchupChats} chats, ${catchupRepeats} reconnects`);
  const rows: Array<{ key: string; label: string; backend: Backend; missed: number; runs: CatchUp[]; medianMs: number; medianReadyMs: number }> = [];
  for (const backend of ctx.options.backends) {
    const target = await ctx.startParley(backend);
    try {
      const { runs, missed } = await catchUpOn(ctx, target);
      const bad = runs.find((r) => r.messages !== missed);
      if (bad) throw new Error(`catch-up on ${backend} got ${bad.messages} messages, expected ${missed}`);
      rows.push({ key: target.key, label: target.label, backend, missed, runs, medianMs: round(median(runs.map((r) => r.totalMs)), 1), medianReadyMs: round(median(runs.map((r) => r.readyMs)), 1) });
      ctx.log(`  ${target.label}: current after ${rows.at(-1)!.medianMs} ms`);
    } finally {
      await target.stop();
    }
  }
  return {
    scenario: 'catchup',
    targets: rows,
    figures: Object.fromEntries(rows.map((r) => [`${r.key}.catchupMs`, r.medianMs])),
    tables: [
      {
        title: `Catch-up: a device offline for ${catchupMessages} messages over ${catchupChats} chats reconnects`,
        headers: ['target', 'missed', 'time until current ms (median)', 'min ms', 'max ms', 'connect+auth ms', 'sync round trips', 'MiB received'],
        rows: rows.map((r) => [
          r.label,
          r.missed,
          r.medianMs,
          round(Math.min(...r.runs.map((x) => x.totalMs)), 1),
          round(Math.max(...r.runs.map((x) => x.totalMs)), 1),
          r.medianReadyMs,
          r.runs[0]!.roundTrips,
          round(r.runs[0]!.bytes / 2 ** 20, 2),
        ]),
        notes: ['From opening the WebSocket until every chat is caught up without gaps (auth, ready, sync until no chat hasMore). Goal: 10,000 messages within 1 s.'],
      },
    ],
  };
}
