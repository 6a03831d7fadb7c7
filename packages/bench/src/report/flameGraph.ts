import fs from 'node:fs';
import { frameLabel, type CpuProfile, type ProfileNode } from './cpuProfile.js';

const W = 1200;
const ROW = 16;
const MIN_PX = 0.5;
const TOP = 40;

/** A function in one calling context, its callees merged by name: the boxes of the graph. */
interface Frame {
  name: string;
  url: string;
  self: number;
  total: number;
  children: Map<string, Frame>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** Colour by where the code lives, so Parley, its libraries, Node and the engine stand apart. */
function colour(url: string, name: string): string {
  if (!url) return name === '(garbage collector)' ? '#c7c7c7' : '#e0c07a';
  if (/packages\/[^/]+\/dist\//.test(url)) return '#f08a4b';
  if (url.includes('node_modules')) return '#f2c14e';
  return '#e8674a'; // node: internals
}

function build(profile: CpuProfile): Frame {
  const byId = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const visit = (node: ProfileNode, into: Frame): void => {
    for (const childId of node.children ?? []) {
      const child = byId.get(childId)!;
      const name = frameLabel(child);
      if (name === '(idle)') continue; // the graph is of busy time
      let frame = into.children.get(name);
      if (!frame) into.children.set(name, (frame = { name, url: child.callFrame.url, self: 0, total: 0, children: new Map() }));
      frame.self += selfTime.get(childId) ?? 0;
      visit(child, frame);
    }
  };
  const root: Frame = { name: 'all busy time', url: '', self: 0, total: 0, children: new Map() };
  visit(profile.nodes[0]!, root);
  const sum = (f: Frame): number => (f.total = f.self + [...f.children.values()].reduce((t, c) => t + sum(c), 0));
  sum(root);
  return root;
}

/**
 * A flame graph of a V8 `.cpuprofile` as one self-contained SVG: callers below, callees on top,
 * each box as wide as the time spent in it and what it called; hover a box for its name and share.
 */
export function flameGraph(file: string, title: string): string {
  const root = build(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile);
  const boxes: Array<{ x: number; level: number; width: number; name: string; fill: string; pct: string }> = [];
  let depth = 0;
  const scale = (W - 20) / Math.max(1, root.total);
  const draw = (f: Frame, x: number, level: number): void => {
    const width = f.total * scale;
    if (width < MIN_PX) return;
    depth = Math.max(depth, level);
    boxes.push({ x, level, width, name: f.name, fill: colour(f.url, f.name), pct: ((100 * f.total) / root.total).toFixed(1) });
    let cx = x;
    for (const child of [...f.children.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      draw(child, cx, level + 1);
      cx += child.total * scale;
    }
  };
  draw(root, 10, 0);
  const height = TOP + (depth + 1) * ROW + 30;
  const y = (level: number) => height - 30 - (level + 1) * ROW;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="monospace" font-size="10">`,
    `<rect width="${W}" height="${height}" fill="white"/>`,
    `<text x="10" y="18" font-family="sans-serif" font-size="14" font-weight="bold">${esc(title)}</text>`,
    `<text x="10" y="33" font-family="sans-serif" font-size="11" fill="#555">width = share of busy CPU time (idle left out); callers below, callees above; orange: Parley, yellow: libraries, red: Node internals, grey: GC</text>`,
  ];
  for (const { x, level, width, name, fill, pct } of boxes) {
    const chars = Math.floor((width - 4) / 6);
    const text = chars >= 3 ? (name.length > chars ? `${name.slice(0, chars - 1)}…` : name) : '';
    out.push(
      `<g><title>${esc(name)} (${pct}%)</title><rect x="${x.toFixed(1)}" y="${y(level)}" width="${width.toFixed(1)}" height="${ROW - 1}" fill="${fill}" rx="1"/>` +
        (text ? `<text x="${(x + 2).toFixed(1)}" y="${y(level) + 11}">${esc(text)}</text>` : '') + '</g>',
    );
  }
  out.push('</svg>');
  return out.join('\n');
}
