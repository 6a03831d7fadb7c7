import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fdLimit } from './machine.js';
import type { Backend } from './targets/parley.js';

export const SCENARIOS = ['connections', 'direct', 'fanout', 'catchup', 'history'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
export const PEERS = ['prosody', 'socketio'] as const;
export type PeerName = (typeof PEERS)[number];
const BACKENDS: Backend[] = ['embedded', 'pg1', 'pg3'];

/** How big each scenario is. `--quick` shrinks everything to finish in under three minutes. */
export interface Scale {
  connections: number;
  connectionsHoldMs: number;
  heartbeatMs: number;
  directRates: number[];
  directStepMs: number;
  /** Time after a step's last send for stragglers before it is scored. */
  directDrainMs: number;
  /** An unscored step first: JIT, first-message work per chat or user, the generator's own start. */
  directWarmUpMs: number;
  directMinPairs: number;
  groupSizes: number[];
  groupMessages: number;
  catchupMessages: number;
  catchupChats: number;
  catchupRepeats: number;
  historyMessages: number;
  historyPages: number;
  /** Unmeasured requests first: a server that has been up a while has compiled its request path. */
  historyWarmUp: number;
}

export interface BenchOptions {
  quick: boolean;
  scenarios: ScenarioName[];
  backends: Backend[];
  peers: PeerName[];
  workers: number;
  sourceAddresses: string[];
  runs: number;
  outDir: string;
  /** The server package to benchmark (its `dist/` build): packages/server unless --server says otherwise. */
  serverDir: string;
  /** Run Parley (embedded) under `node --cpu-prof` in the direct scenario and summarise the profile. */
  profile: boolean;
  scale: Scale;
}

const DEFAULT_SERVER_DIR = fileURLToPath(new URL('../../server', import.meta.url));

// Sockets the server process needs besides client connections: listening socket, database, stdio, …
const FD_RESERVE = 200;

// Sized so that every scenario against all three backends and both peers ends within three minutes.
const QUICK: Scale = {
  connections: 300,
  connectionsHoldMs: 1000,
  heartbeatMs: 1000,
  directRates: [500, 1000, 2000],
  directStepMs: 1000,
  // On a machine busy with other work (the test suite runs this beside other files), a relay's
  // frames came in up to a second late: in 500 ms, 8% of a step were counted undelivered.
  directDrainMs: 1500,
  directWarmUpMs: 500,
  directMinPairs: 20,
  groupSizes: [250],
  groupMessages: 3,
  catchupMessages: 2000,
  catchupChats: 50,
  catchupRepeats: 2,
  historyMessages: 10_000,
  historyPages: 200,
  historyWarmUp: 300,
};

const FULL: Scale = {
  connections: fdLimit() - FD_RESERVE,
  connectionsHoldMs: 6000,
  heartbeatMs: 5000,
  directRates: [1000, 2500, 5000, 10_000, 15_000, 20_000, 30_000, 40_000],
  directStepMs: 10_000,
  directDrainMs: 2000,
  directWarmUpMs: 2000,
  directMinPairs: 200,
  groupSizes: [100, 1000, 10_000],
  groupMessages: 3,
  catchupMessages: 10_000,
  catchupChats: 50,
  catchupRepeats: 3,
  historyMessages: 1_000_000,
  historyPages: 1000,
  historyWarmUp: 2000,
};

const list = (value: string | undefined): string[] | undefined => value?.split(',').map((s) => s.trim()).filter(Boolean);
const numbers = (value: string | undefined): number[] | undefined => list(value)?.map(Number);

function pick<T extends string>(what: string, value: string | undefined, allowed: readonly T[], fallback: T[]): T[] {
  const chosen = list(value);
  if (!chosen) return fallback;
  if (chosen.length === 1 && chosen[0] === 'none') return [];
  for (const c of chosen) if (!allowed.includes(c as T)) throw new Error(`--${what}: unknown "${c}" (one of ${allowed.join(', ')})`);
  return chosen as T[];
}

export const USAGE = `npm run bench -- [options]
  --quick                 every scenario at small scale (under 3 minutes)
  --scenarios a,b         ${SCENARIOS.join(', ')} (default: all)
  --backends a,b          ${BACKENDS.join(', ')} (default: all)
  --peers a,b|none        ${PEERS.join(', ')} (default: both)
  --runs N                repeat everything N times; figures are the medians (default 1)
  --workers N             load-generator processes (default 2)
  --source-addresses N    loopback source addresses 127.0.0.2… for clients (default 4)
  --connections N         idle connections per target (default: ulimit -n minus ${FD_RESERVE}; --quick 1000)
  --rates a,b,c           offered rates of the direct scenario, messages/s
  --step-ms N             length of each direct rate step
  --group-sizes a,b       group fan-out sizes
  --history N             messages stored in the history chat
  --profile               CPU-profile Parley (embedded) during the direct scenario
  --server DIR            the server package to benchmark (default packages/server; e.g. a build of another commit)
  --out DIR               results directory (default .bench-results)
  chart <run.json>…       only redraw the SVG chart from earlier results
  report <run.json>…      print the medians as the Markdown tables of docs/benchmarks.md`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      scenarios: { type: 'string' },
      backends: { type: 'string' },
      peers: { type: 'string' },
      runs: { type: 'string' },
      workers: { type: 'string' },
      'source-addresses': { type: 'string' },
      connections: { type: 'string' },
      rates: { type: 'string' },
      'step-ms': { type: 'string' },
      'group-sizes': { type: 'string' },
      history: { type: 'string' },
      profile: { type: 'boolean', default: false },
      out: { type: 'string', default: '.bench-results' },
      server: { type: 'string' },
    },
  });
  const quick = values.quick ?? false;
  const base = quick ? QUICK : FULL;
  const scale: Scale = {
    ...base,
    connections: Number(values.connections ?? base.connections),
    directRates: numbers(values.rates) ?? base.directRates,
    directStepMs: Number(values['step-ms'] ?? base.directStepMs),
    groupSizes: numbers(values['group-sizes']) ?? base.groupSizes,
    historyMessages: Number(values.history ?? base.historyMessages),
  };
  const sources = Number(values['source-addresses'] ?? 4);
  return {
    quick,
    scenarios: pick('scenarios', values.scenarios, SCENARIOS, [...SCENARIOS]),
    backends: pick('backends', values.backends, BACKENDS, BACKENDS),
    peers: pick('peers', values.peers, PEERS, [...PEERS]),
    workers: Math.max(1, Number(values.workers ?? 2)),
    sourceAddresses: Array.from({ length: sources }, (_, i) => `127.0.0.${i + 2}`),
    runs: Math.max(1, Number(values.runs ?? 1)),
    outDir: values.out ?? '.bench-results',
    profile: values.profile ?? false,
    serverDir: path.resolve(values.server ?? DEFAULT_SERVER_DIR),
    scale,
  };
}
