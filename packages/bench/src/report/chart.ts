import type { DirectTarget } from '../scenarios/direct.js';
import { GOAL_P99_MS } from '../scenarios/direct.js';

const W = 820;
const H = 440;
const M = { left: 64, right: 270, top: 40, bottom: 56 };
const COLORS = ['#1f77b4', '#2ca02c', '#9467bd', '#d62728', '#ff7f0e', '#8c564b', '#17becf'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * Latency (p99 solid, p50 dotted, log scale) against offered load for every target of the direct
 * scenario: one self-contained SVG, no chart library.
 */
export function latencyChart(targets: DirectTarget[], subtitle: string): string {
  const points = targets.flatMap((t) => t.steps.filter((s) => Number.isFinite(s.e2e.p99Ms)));
  // Rates rise geometrically (each step about double the last), so the x axis is logarithmic too.
  const rates = [...new Set(points.map((s) => s.offered))].sort((a, b) => a - b);
  const minRate = rates[0] ?? 100;
  const maxRate = Math.max(minRate * 2, rates[rates.length - 1] ?? 0);
  const yMin = 0.1;
  const yMax = Math.max(GOAL_P99_MS * 4, ...points.map((s) => s.e2e.p99Ms));
  const x = (rate: number) => M.left + 10 + (Math.log(rate / minRate) / Math.log(maxRate / minRate)) * (W - M.left - M.right - 20);
  const y = (ms: number) => {
    const f = (Math.log10(Math.max(ms, yMin)) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin));
    return H - M.bottom - f * (H - M.top - M.bottom);
  };
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${M.left}" y="18" font-size="14" font-weight="bold">1:1 message latency vs offered load</text>`,
    `<text x="${M.left}" y="33" fill="#555">${esc(subtitle)}</text>`,
  ];
  for (let decade = Math.ceil(Math.log10(yMin)); 10 ** decade <= yMax; decade++) {
    const v = 10 ** decade;
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`, `<text x="${M.left - 6}" y="${y(v) + 4}" text-anchor="end">${v} ms</text>`);
  }
  for (const rate of rates) {
    out.push(`<line x1="${x(rate)}" x2="${x(rate)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#eee"/>`, `<text x="${x(rate)}" y="${H - M.bottom + 16}" text-anchor="middle">${Math.round(rate).toLocaleString('en-US')}</text>`);
  }
  out.push(
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 14}" text-anchor="middle">offered load, messages/s (log scale)</text>`,
    `<line x1="${M.left}" x2="${W - M.right}" y1="${y(GOAL_P99_MS)}" y2="${y(GOAL_P99_MS)}" stroke="#d00" stroke-dasharray="6 4"/>`,
    `<text x="${W - M.right - 4}" y="${y(GOAL_P99_MS) - 4}" text-anchor="end" fill="#d00">p99 goal ${GOAL_P99_MS} ms</text>`,
  );
  targets.forEach((t, i) => {
    const color = COLORS[i % COLORS.length]!;
    const steps = t.steps.filter((s) => Number.isFinite(s.e2e.p99Ms));
    const path = (pick: (s: (typeof steps)[number]) => number) => steps.map((s, j) => `${j ? 'L' : 'M'}${x(s.offered).toFixed(1)},${y(pick(s)).toFixed(1)}`).join(' ');
    out.push(`<path d="${path((s) => s.e2e.p99Ms)}" fill="none" stroke="${color}" stroke-width="2"/>`);
    out.push(`<path d="${path((s) => s.e2e.p50Ms)}" fill="none" stroke="${color}" stroke-width="1.5" stroke-dasharray="2 3"/>`);
    for (const s of steps) out.push(`<circle cx="${x(s.offered).toFixed(1)}" cy="${y(s.e2e.p99Ms).toFixed(1)}" r="3" fill="${s.holds ? color : 'white'}" stroke="${color}"/>`);
    const ly = M.top + 10 + i * 36;
    out.push(`<line x1="${W - M.right + 12}" x2="${W - M.right + 36}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    out.push(`<text x="${W - M.right + 42}" y="${ly + 4}">${esc(t.label)}</text>`);
    out.push(`<text x="${W - M.right + 42}" y="${ly + 18}" fill="#555">held up to ${t.headlineRate.toLocaleString('en-US')}/s</text>`);
  });
  const ny = M.top + 10 + targets.length * 36 + 8;
  out.push(`<text x="${W - M.right + 12}" y="${ny}" fill="#555">solid: p99 · dotted: p50</text>`);
  out.push(`<text x="${W - M.right + 12}" y="${ny + 14}" fill="#555">hollow point: step missed the goal</text>`);
  out.push('</svg>');
  return out.join('\n');
}
