import type { Message } from '@parley/client';

/**
 * A changed message (edit, deletion, reaction, hide) in a chat's loaded run. Copies arrive from
 * more than one place (a REST answer, a live `message.updated`, a catch-up), in any order: the
 * one with the higher `changeSeq` wins (absent counts as 0). A message outside the loaded run
 * is left for history to bring, so the run stays gapless. Returns the list unchanged when
 * nothing applies.
 */
export function applyUpdate(list: readonly Message[], updated: Message): readonly Message[] {
  const first = list[0];
  if (!first) return list;
  const at = updated.seq - first.seq;
  const old = list[at];
  if (!old || old.id !== updated.id || (old.changeSeq ?? 0) >= (updated.changeSeq ?? 0)) return list;
  const next = list.slice();
  next[at] = updated;
  return next;
}
