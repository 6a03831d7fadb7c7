import type { Table } from '../scenarios/Scenario.js';

const cell = (v: string | number): string => (typeof v === 'number' ? (Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: 2 }) : '–') : v);

/** A plain-text table, numbers right-aligned, for the terminal (and pasteable into Markdown). */
export function formatTable(table: Table): string {
  const rows = table.rows.map((r) => r.map(cell));
  const widths = table.headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (values: string[], numeric: boolean[]) =>
    '| ' + values.map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(' | ') + ' |';
  const numeric = table.headers.map((_, i) => table.rows.every((r) => typeof r[i] === 'number'));
  return [
    `\n${table.title}`,
    line(table.headers, numeric),
    '|' + widths.map((w, i) => (numeric[i] ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|') + '|',
    ...rows.map((r) => line(r, numeric)),
    ...(table.notes ?? []).map((n) => `  ${n}`),
  ].join('\n');
}
