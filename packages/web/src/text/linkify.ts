/** A piece of message text: plain, or a link that is safe to open. */
export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

// http(s) URLs and bare www. hosts; anything else (javascript:, data:, mailto:) stays text.
const URL_LIKE = /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?)\]}'"»”’]+$/;

/**
 * Splits text into plain runs and links. Only http and https become links, checked with the
 * URL parser after the split, so a message can never produce a script URL. Trailing
 * punctuation stays outside the link ("see https://x.org." links https://x.org).
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_LIKE)) {
    let raw = match[0];
    const start = match.index;
    // Keep a closing bracket that belongs to the URL, like a Wikipedia link's "(film)".
    const trailing = raw.match(TRAILING)?.[0] ?? '';
    if (trailing) raw = raw.slice(0, raw.length - trailing.length);
    if (trailing.startsWith(')') && raw.includes('(')) raw += ')';
    const href = safeHref(raw);
    if (!href) continue;
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
    parts.push({ kind: 'link', text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}

function safeHref(raw: string): string | undefined {
  try {
    const url = new URL(/^www\./i.test(raw) ? `https://${raw}` : raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
