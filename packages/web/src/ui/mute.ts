import type { Chat } from '@parley/client';

const HOUR_MS = 3_600_000;

/** The choices of the chat info's "Mute notifications": an end time, or none for until unmuted. */
export const MUTE_CHOICES: Array<{ label: string; until(): Date | undefined }> = [
  { label: '8 hours', until: () => new Date(Date.now() + 8 * HOUR_MS) },
  { label: '1 week', until: () => new Date(Date.now() + 7 * 24 * HOUR_MS) },
  { label: 'Always', until: () => undefined },
];

/** A timed mute that ran out while the app was open counts as over, before any frame says so. */
export function isMuted(chat: Chat, now = Date.now()): boolean {
  return chat.muted && (!chat.mutedUntil || Date.parse(chat.mutedUntil) > now);
}

const until = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

/** "Muted until Tue 12 Mar, 22:05" or "Muted". */
export function mutedLabel(chat: Chat): string {
  return chat.mutedUntil ? `Muted until ${until.format(new Date(chat.mutedUntil))}` : 'Muted';
}
