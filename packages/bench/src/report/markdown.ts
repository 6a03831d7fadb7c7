import { BACKEND_LABELS, type Backend } from '../targets/parley.js';
import { GOAL_P99_MS } from '../scenarios/direct.js';
import { ratio } from '../scenarios/Scenario.js';
import { figuresByRun, type RunFile } from './results.js';

/**
 * The figures of a run file as the Markdown tables of docs/benchmarks.md: each cell the median
 * over the runs, with the spread of the runs beside it, Parley as ratios to each peer, and the
 * issue's goals marked met or not. Regenerate with `npm run bench -- report <run.json>`.
 */
const PEER_LABELS: Record<string, string> = { prosody: 'Prosody (XMPP)', socketio: 'Socket.IO relay', 'ws-echo': 'bare ws echo' };
const label = (key: string) => BACKEND_LABELS[key.replace('parley-', '') as Backend] ?? PEER_LABELS[key] ?? key;

const fmt = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : v >= 100 ? Math.round(v).toLocaleString('en-US') : String(Math.round(v * 100) / 100));
const met = (ok: boolean) => (ok ? '**met**' : '**not met**');

function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

export function markdownReport(file: RunFile): string {
  const byRun = figuresByRun(file.runs);
  const median = (key: string) => file.medians?.[key];
  /** "median (min–max)" over the runs. */
  const cell = (key: string) => {
    const all = (byRun.get(key) ?? []).filter(Number.isFinite);
    if (all.length === 0) return '–';
    return all.length > 1 ? `${fmt(median(key))} (${fmt(Math.min(...all))}–${fmt(Math.max(...all))})` : fmt(median(key));
  };
  const keysOf = (scenario: string) => [...new Set([...byRun.keys()].filter((k) => k.startsWith(`${scenario}.`)).map((k) => k.split('.')[1]!))];
  const peers = ['prosody', 'socketio'].filter((p) => keysOf('direct').includes(p) || keysOf('connections').includes(p));
  const parley = (scenario: string) => keysOf(scenario).filter((k) => k.startsWith('parley-'));
  const out: string[] = [];

  const conn = keysOf('connections');
  if (conn.length) {
    const echo = median('connections.ws-echo.rssPerConnKiB') ?? NaN;
    out.push(
      '### Idle connections',
      table(
        ['target', 'held', 'RSS/conn KiB', 'vs ws echo', ...peers.map((p) => `vs ${label(p)}`), `goal ≤ 1.2× echo`, 'event-loop lag max ms'],
        conn.map((k) => {
          const rss = median(`connections.${k}.rssPerConnKiB`) ?? NaN;
          const isParley = k.startsWith('parley-');
          return [label(k), cell(`connections.${k}.held`), cell(`connections.${k}.rssPerConnKiB`), ratio(rss, echo), ...peers.map((p) => (isParley ? ratio(rss, median(`connections.${p}.rssPerConnKiB`) ?? NaN) : '')), isParley ? met(rss <= 1.2 * echo) : '', isParley ? cell(`connections.${k}.holdLagMaxMs`) : ''];
        }),
      ),
    );
  }

  const direct = keysOf('direct');
  if (direct.length) {
    const rates = [...new Set([...byRun.keys()].flatMap((k) => /^direct\.[^.]+\.rate(\d+)\.p99Ms$/.exec(k)?.[1] ?? []))].map(Number).sort((a, b) => a - b);
    out.push(
      '### 1:1 messages: end-to-end p50 / p99 ms at each offered rate',
      table(['target', ...rates.map((r) => `${r.toLocaleString('en-US')}/s`)], direct.map((k) => [label(k), ...rates.map((r) => (median(`direct.${k}.rate${r}.p99Ms`) === undefined ? '–' : `${fmt(median(`direct.${k}.rate${r}.p50Ms`))} / ${fmt(median(`direct.${k}.rate${r}.p99Ms`))}`))])),
    );
    const cpu = (k: string, r: number, what: string) => fmt(median(`direct.${k}.rate${r}.${what}UsPerMsg`));
    out.push(
      '### CPU per delivered message: server (with its database) / load generator / whole machine, µs',
      table(['target', ...rates.map((r) => `${r.toLocaleString('en-US')}/s`)], direct.map((k) => [label(k), ...rates.map((r) => (median(`direct.${k}.rate${r}.p99Ms`) === undefined ? '–' : `${cpu(k, r, 'server')} / ${cpu(k, r, 'generator')} / ${cpu(k, r, 'machine')}`))])),
    );
    const best = Math.max(...peers.map((p) => median(`direct.${p}.headlineRate`) ?? 0));
    out.push(
      `### 1:1 headline: highest offered rate with p99 < ${GOAL_P99_MS} ms, everything delivered`,
      table(
        ['target', 'msgs/s', ...peers.map((p) => `vs ${label(p)}`), 'goal ≥ 30,000/s and ≥ 2× best peer'],
        direct.map((k) => {
          const rate = median(`direct.${k}.headlineRate`) ?? NaN;
          const isParley = k.startsWith('parley-');
          return [label(k), cell(`direct.${k}.headlineRate`), ...peers.map((p) => (isParley ? ratio(rate, median(`direct.${p}.headlineRate`) ?? NaN) : '')), isParley ? met(rate >= 30_000 && rate >= 2 * best) : ''];
        }),
      ),
    );
  }

  const fanout = parley('fanout');
  if (fanout.length) {
    const sizes = [...new Set([...byRun.keys()].flatMap((k) => /^fanout\.[^.]+\.group(\d+)\./.exec(k)?.[1] ?? []))].map(Number).sort((a, b) => a - b);
    const goal = (k: string) => (sizes.includes(10_000) ? met((median(`fanout.${k}.group10000.lastMemberMs`) ?? Infinity) <= 200) : 'not measured');
    out.push('### Group fan-out: ms until the last online member has the message', table(['target', ...sizes.map((s) => `${s.toLocaleString('en-US')} members`), 'goal 10,000 ≤ 200 ms'], fanout.map((k) => [label(k), ...sizes.map((s) => cell(`fanout.${k}.group${s}.lastMemberMs`)), goal(k)])));
    const meanwhile = (k: string, s: number) => `${fmt(median(`fanout.${k}.group${s}.bystanderP99Ms`))} / ${fmt(median(`fanout.${k}.group${s}.bystanderMaxMs`))} / ${fmt(median(`fanout.${k}.group${s}.lagMaxMs`))}`;
    out.push(
      '### Group fan-out: what other clients of the node waited meanwhile (1:1 p99 / max ms, event-loop lag max ms)',
      table(['target', ...sizes.map((s) => `${s.toLocaleString('en-US')} members`)], fanout.map((k) => [label(k), ...sizes.map((s) => meanwhile(k, s))])),
    );
  }

  const catchup = parley('catchup');
  if (catchup.length) {
    const full = file.options.scale.catchupMessages >= 10_000;
    out.push(`### Catch-up: ms until a device offline for ${file.options.scale.catchupMessages.toLocaleString('en-US')} messages over ${file.options.scale.catchupChats} chats is current`, table(['target', 'ms', 'goal ≤ 1,000 ms'], catchup.map((k) => [label(k), cell(`catchup.${k}.catchupMs`), full ? met((median(`catchup.${k}.catchupMs`) ?? Infinity) <= 1000) : 'not at full size'])));
  }

  const history = parley('history');
  if (history.length) {
    out.push(`### History: a page of 50 in a chat of ${file.options.scale.historyMessages.toLocaleString('en-US')} messages`, table(['target', 'p50 ms', 'p99 ms', 'goal p99 < 5 ms'], history.map((k) => [label(k), cell(`history.${k}.historyP50Ms`), cell(`history.${k}.historyP99Ms`), met((median(`history.${k}.historyP99Ms`) ?? Infinity) < 5)])));
  }
  out.push(`Cells are medians of ${file.runs.length} run(s); (min–max) is the spread of the runs.`);
  return out.join('\n\n') + '\n';
}
