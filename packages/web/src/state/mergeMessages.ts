import type { Message } from '@parley/client';

/**
 * A chat's loaded messages are one run of consecutive seqs (seqs have no gaps on the server),
 * so "is there anything older" is just `first.seq > 1` and scrolling up asks for `before`.
 * Merging keeps that true: messages are keyed by seq (of two copies, the one with the higher
 * changeSeq stays) and when the two lists do not meet, the newest run wins, because the newest is
 * what the user is looking at; the older part comes back by scrolling.
 */
export function mergeMessages(list: readonly Message[], incoming: readonly Message[]): readonly Message[] {
  if (incoming.length === 0) return list;
  const sorted = [...incoming].sort((a, b) => a.seq - b.seq);
  const last = list[list.length - 1];
  if (last && sorted[0]!.seq === last.seq + 1 && consecutive(sorted)) return list.concat(sorted);
  const bySeq = new Map<number, Message>();
  for (const m of list) bySeq.set(m.seq, m);
  // A history page may be older than a change this client already applied: the higher changeSeq wins.
  for (const m of sorted) if ((m.changeSeq ?? 0) >= (bySeq.get(m.seq)?.changeSeq ?? 0)) bySeq.set(m.seq, m);
  const all = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  let start = all.length - 1;
  while (start > 0 && all[start - 1]!.seq === all[start]!.seq - 1) start--;
  return start === 0 ? all : all.slice(start);
}

function consecutive(sorted: readonly Message[]): boolean {
  return sorted.every((m, i) => i === 0 || m.seq === sorted[i - 1]!.seq + 1);
}

/** Keeps the newest `keep` messages of a list. */
export function newest<T>(list: readonly T[], keep: number): readonly T[] {
  return list.length > keep ? list.slice(list.length - keep) : list;
}

/** Whether two runs overlap or meet end to start: together they are one run without a gap. */
export function touching(a: readonly Message[], b: readonly Message[]): boolean {
  const [aFirst, aLast, bFirst, bLast] = [a[0], a[a.length - 1], b[0], b[b.length - 1]];
  return !!aFirst && !!aLast && !!bFirst && !!bLast && aFirst.seq <= bLast.seq + 1 && bFirst.seq <= aLast.seq + 1;
}

/** Whether a run holds the message with this seq. */
export function holdsSeq(run: readonly Message[], seq: number): boolean {
  const first = run[0];
  return !!first && first.seq <= seq && seq <= run[run.length - 1]!.seq;
}
