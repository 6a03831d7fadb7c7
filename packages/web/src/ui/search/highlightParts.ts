export interface TextPart {
  text: string;
  /** One of the query's words. */
  hit: boolean;
}

/** How much text before the first match a result shows. */
const LEAD = 40;

/**
 * A search hit's content cut into plain and matched parts, from the server's `highlights`
 * (UTF-16 offsets, end exclusive), to be rendered as text spans. Offsets are clamped and
 * overlaps merged, so a bad range can never throw. Long texts start shortly before the first
 * match, with "…".
 */
export function highlightParts(content: string, highlights: ReadonlyArray<{ start: number; end: number }>): TextPart[] {
  const ranges = highlights
    .map((h) => ({ start: Math.max(0, Math.min(h.start, content.length)), end: Math.max(0, Math.min(h.end, content.length)) }))
    .filter((h) => h.end > h.start)
    .sort((a, b) => a.start - b.start);
  const from = ranges[0] && ranges[0].start > LEAD ? wordStart(content, ranges[0].start - LEAD) : 0;
  const parts: TextPart[] = from > 0 ? [{ text: '…', hit: false }] : [];
  let at = from;
  for (const range of ranges) {
    const start = Math.max(range.start, at);
    if (range.end <= start) continue;
    if (start > at) parts.push({ text: content.slice(at, start), hit: false });
    parts.push({ text: content.slice(start, range.end), hit: true });
    at = range.end;
  }
  if (at < content.length) parts.push({ text: content.slice(at), hit: false });
  return parts;
}

function wordStart(content: string, at: number): number {
  const space = content.indexOf(' ', at);
  return space >= 0 && space < at + 15 ? space + 1 : at;
}
