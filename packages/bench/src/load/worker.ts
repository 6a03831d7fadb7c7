import { nowUs, sleepUntilUs } from '../clock.js';
import { encodeHistogram, newHistogram, type Histogram } from '../histogram.js';
import type { ClientKind } from '../targets/Target.js';
import type { BenchClient, ClientEvents, Connect } from './clients/BenchClient.js';
import { connectEcho, connectParley } from './clients/parleyClient.js';
import { connectSocketIo } from './clients/socketIoClient.js';
import { connectXmpp } from './clients/xmppClient.js';
import { parseTag, tagContent, type ClientSpec, type Command, type CountResult, type OpenResult, type Reply, type Request, type Route, type SendResult, type StepReport } from './messages.js';

/**
 * One load-generator process (the coordinator forks several, so the generator has cores and file
 * descriptors of its own). It holds clients, sends on an open-loop schedule and records
 * latencies against the scheduled send times.
 */
const CONNECT: Record<ClientKind, Connect> = { parley: connectParley, echo: connectEcho, socketio: connectSocketIo, xmpp: connectXmpp };

interface StepStats {
  acked: number;
  ack: Histogram;
  delivered: number;
  e2e: Histogram;
  errors: number;
  firstError?: string;
  perMessage?: Map<number, [count: number, maxUs: number]>;
}

const clients: BenchClient[] = [];
const steps = new Map<number, StepStats>();
let open = 0;
let closed = 0;
let nextAddress = 0;
/** Bumped by closeAll, so the close events of clients closed on purpose are not counted as drops. */
let generation = 0;

function stats(step: number): StepStats {
  let s = steps.get(step);
  if (!s) steps.set(step, (s = { acked: 0, ack: newHistogram(), delivered: 0, e2e: newHistogram(), errors: 0 }));
  return s;
}

const events: ClientEvents = {
  deliver(content) {
    const tag = parseTag(content);
    if (!tag) return;
    const s = stats(tag.step);
    const latency = Math.max(0, nowUs() - tag.scheduledUs);
    s.delivered++;
    s.e2e.recordValue(latency);
    if (s.perMessage) {
      const seen = s.perMessage.get(tag.k);
      if (seen) (seen[0]++, (seen[1] = Math.max(seen[1], latency)));
      else s.perMessage.set(tag.k, [1, latency]);
    }
  },
  ack(content) {
    const tag = parseTag(content);
    if (!tag) return;
    const s = stats(tag.step);
    s.acked++;
    s.ack.recordValue(Math.max(0, nowUs() - tag.scheduledUs));
  },
  error(text, ref) {
    const s = stats(ref?.startsWith('c') ? Number(ref.slice(1).split('.')[0]) : -1);
    s.errors++;
    s.firstError ??= text.slice(0, 300);
  },
  closed() {
    open--;
    closed++;
  },
};

function eventsOfThisGeneration(): ClientEvents {
  const gen = generation;
  return { ...events, closed: () => gen === generation && events.closed() };
}

async function openClients(specs: ClientSpec[], sourceAddresses: string[], concurrency: number): Promise<OpenResult> {
  const result: OpenResult = { indices: new Array(specs.length).fill(-1), failed: 0 };
  let next = 0;
  const lane = async () => {
    while (next < specs.length) {
      const i = next++;
      const spec = specs[i]!;
      const localAddress = sourceAddresses.length > 0 ? sourceAddresses[nextAddress++ % sourceAddresses.length] : undefined;
      try {
        const client = await CONNECT[spec.kind]({ url: spec.url, user: spec.user, secret: spec.secret, localAddress }, eventsOfThisGeneration());
        result.indices[i] = clients.push(client) - 1;
        open++;
      } catch (err) {
        result.failed++;
        result.firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, lane));
  return result;
}

/**
 * Open loop: message n is due at startAt + n / rate whatever happened to earlier ones, and its
 * latency counts from that due time, so a stalled server (or generator) shows as latency rather
 * than as a lower send rate (no coordinated omission).
 */
async function send(cmd: Extract<Command, { op: 'send' }>): Promise<SendResult> {
  const lag = newHistogram();
  const total = Math.floor((cmd.ratePerSec * cmd.durationMs) / 1000);
  const intervalUs = 1e6 / cmd.ratePerSec;
  let n = 0;
  await sleepUntilUs(cmd.startAtUs);
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = nowUs();
      while (n < total) {
        const due = Math.round(cmd.startAtUs + n * intervalUs);
        if (due > now) break;
        const route: Route = cmd.routes[n % cmd.routes.length]!;
        clients[route.from]?.send(route.to, tagContent(cmd.step, n, due), `c${cmd.step}.${n}.${process.pid}`);
        lag.recordValue(now - due);
        n++;
      }
      if (n >= total) return resolve();
      setTimeout(tick, Math.max(0, (cmd.startAtUs + n * intervalUs - nowUs()) / 1000));
    };
    tick();
  });
  return { sent: n, lag: encodeHistogram(lag) };
}

function report(step: number): StepReport {
  const s = stats(step);
  const unattributed = steps.get(-1);
  steps.delete(step);
  steps.delete(-1);
  return {
    acked: s.acked,
    ack: encodeHistogram(s.ack),
    delivered: s.delivered,
    e2e: encodeHistogram(s.e2e),
    errors: s.errors + (unattributed?.errors ?? 0),
    firstError: s.firstError ?? unattributed?.firstError,
    perMessage: s.perMessage ? [...s.perMessage].map(([k, [count, maxUs]]) => [k, count, maxUs]) : undefined,
  };
}

async function handle(cmd: Command): Promise<unknown> {
  switch (cmd.op) {
    case 'open':
      // Opening a new set (nothing open): the previous set's clients (up to ~10,000 a worker) are
      // garbage by now, collected here rather than by a full collection in the middle of a step.
      // Not on a set's later opens, whose timing the connections scenario measures.
      if (clients.length === 0) globalThis.gc?.();
      return openClients(cmd.clients, cmd.sourceAddresses, cmd.concurrency);
    case 'count':
      return { open, closed } satisfies CountResult;
    case 'expect':
      stats(cmd.step).perMessage = cmd.perMessage ? new Map() : undefined;
      return {};
    case 'send':
      return send(cmd);
    case 'report':
      return report(cmd.step);
    case 'closeAll':
      generation++;
      for (const c of clients.splice(0)) c.close();
      open = 0;
      closed = 0;
      return {};
  }
}

process.on('message', (request: Request) => {
  handle(request).then(
    (result) => process.send!({ id: request.id, ok: true, result } satisfies Reply),
    (err: unknown) => process.send!({ id: request.id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies Reply),
  );
});
process.on('disconnect', () => process.exit(0));
