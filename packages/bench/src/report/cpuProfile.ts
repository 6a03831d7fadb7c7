import fs from 'node:fs';
import path from 'node:path';

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileLine {
  name: string;
  selfPct: number;
  totalPct: number;
}

export interface ProfileSummary {
  file: string;
  sampledSec: number;
  idlePct: number;
  /** Self time by function, busiest first. */
  functions: ProfileLine[];
  /** Self time by where the code lives: a package, a Parley source file, Node internals, GC. */
  areas: ProfileLine[];
}

function where(url: string): string {
  if (!url) return '(native / V8)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (pkg) return `${pkg[1]} ${pkg[2]!.replace(/^(dist|lib)\/(esm\/|cjs\/)?/, '').replace(/\.[cm]?js$/, '')}`;
  const own = /packages\/([^/]+)\/dist\/(.+)\.js$/.exec(url);
  if (own) return `parley ${own[1]}/${own[2]}`;
  if (url.startsWith('node:')) return 'node internals';
  return path.basename(url);
}

/** The package, the Parley source file, or Node's internals: where `url` lives, one level up from `where`. */
function areaOf(url: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1]!;
  return where(url);
}

/** A node's function, with the file and line it is defined at: the name tables and the flame graph use. */
export const frameLabel = (n: ProfileNode): string => {
  const { functionName, url, lineNumber } = n.callFrame;
  return url ? `${functionName || '(anonymous)'} ${where(url)}:${lineNumber + 1}` : functionName;
};

/**
 * Reads a V8 `.cpuprofile` (node --cpu-prof) and attributes the sampled time to functions, self
 * and total (inclusive, each function counted once per stack), and to code areas.
 */
export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const areas = new Map<string, number>();
  let all = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id)!;
    all += dt;
    if (node.callFrame.functionName === '(idle)') return void (idle += dt);
    self.set(frameLabel(node), (self.get(frameLabel(node)) ?? 0) + dt);
    const area = node.callFrame.url ? areaOf(node.callFrame.url) : node.callFrame.functionName;
    areas.set(area, (areas.get(area) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const key = frameLabel(byId.get(cur)!);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + dt);
    }
  });
  const busy = all - idle;
  const pct = (v: number) => Math.round((1000 * v) / Math.max(1, busy)) / 10;
  const functions = [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, v]) => ({ name, selfPct: pct(v), totalPct: pct(total.get(name) ?? v) }));
  const inclusive = [...total]
    .filter(([name]) => !['(root)', '(program)'].includes(name))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, v]) => ({ name, selfPct: pct(self.get(name) ?? 0), totalPct: pct(v) }));
  return {
    file,
    sampledSec: Math.round(all / 1e5) / 10,
    idlePct: Math.round((1000 * idle) / Math.max(1, all)) / 10,
    functions: [...functions, ...inclusive.filter((f) => !functions.some((g) => g.name === f.name))],
    areas: [...areas].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([name, v]) => ({ name, selfPct: pct(v), totalPct: pct(v) })),
  };
}
