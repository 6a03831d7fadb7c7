import type { ClientRef, LoadGenerator } from '../load/LoadGenerator.js';
import type { BenchOptions, PeerName, ScenarioName } from '../options.js';
import type { Services } from '../services.js';
import type { Backend, ParleyOptions, ParleyTarget } from '../targets/parley.js';
import type { ClientSpec } from '../load/messages.js';
import type { Identity, Target } from '../targets/Target.js';

export interface Table {
  title: string;
  headers: string[];
  rows: Array<Array<string | number>>;
  notes?: string[];
}

/** What one scenario produced: tables to print, and the data written to its JSON file. */
export interface ScenarioResult {
  scenario: ScenarioName;
  tables: Table[];
  /** Per target, everything measured (the JSON's body). */
  targets: Array<{ key: string; label: string }>;
  /** Flat numbers (`<target>.<what>`) that `--runs N` takes the median of. */
  figures: Record<string, number>;
  /** Set when the scenario failed part-way. */
  error?: string;
}

export interface RunContext {
  options: BenchOptions;
  generator: LoadGenerator;
  services(): Promise<Services>;
  startParley(backend: Backend, opts?: Partial<ParleyOptions>): Promise<ParleyTarget>;
  startPeer(name: PeerName): Promise<Target>;
  startEcho(): Promise<Target>;
  log(line: string): void;
}

export type Scenario = (ctx: RunContext) => Promise<ScenarioResult>;

/** Client i of a target goes to node i mod nodes. */
export const specFor = (target: Target, id: Identity, i: number): ClientSpec => ({
  kind: target.kind,
  url: target.urls[i % target.urls.length]!,
  user: id.user,
  secret: id.secret,
});

/** `count` pairs of users in private chats, both online (on `generator`'s workers): each pair's sender and where it sends. */
export async function openPairs(ctx: RunContext, target: Target, count: number, generator = ctx.generator): Promise<Array<{ from: ClientRef; to: string }>> {
  const pairs = await target.createPairs(count);
  // A pair's two clients share a worker; senders and recipients alternate over a cluster's nodes.
  const specs = pairs.flatMap((p, i) => [specFor(target, p.sender, 2 * i), specFor(target, p.recipient, 2 * i + 1)]);
  const { refs, failed, firstError } = await generator.open(specs, (i) => i >> 1, 100);
  if (failed > 0) ctx.log(`  ${failed} of ${specs.length} clients failed to connect: ${firstError}`);
  return pairs.flatMap((p, i) => (refs[2 * i] && refs[2 * i + 1] ? [{ from: refs[2 * i]!, to: p.address }] : []));
}

/** prom-client's event-loop delay monitor on a Parley node, reset each time /metrics is read. */
export const LAG_MAX = 'parley_nodejs_eventloop_lag_max_seconds';

export const round = (value: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

export const ratio = (a: number, b: number): string => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${round(a / b, 2)}×` : 'n/a');

export const median = (values: number[]): number => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
