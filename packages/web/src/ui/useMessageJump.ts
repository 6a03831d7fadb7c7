import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import type { IndexLocationWithAlign } from 'react-virtuoso';
import type { Chat } from '@parley/client';
import { useApp, useStore } from '../state/useApp.js';
import { clockTime, dayLabel } from '../text/format.js';
import { memberName } from './chatTitle.js';
import { previewText } from './media/previewText.js';
import type { Row } from './messageRows.js';
import { useShowError } from './Toasts.js';

/** A message to show in its chat (a search hit); `n` tells a second jump to the same message from the first. */
export interface MessageJump {
  chatId: string;
  seq: number;
  n: number;
}

/** Where the list opens: it is mounted afresh whenever `key` changes. */
export interface ListOpening {
  key: number;
  at: IndexLocationWithAlign;
  /** Opened at a message jumped to: the list takes the focus, so the keyboard scrolls from there. */
  focus: boolean;
}

/** What the list waits to have loaded: a message by seq (a search hit), or by id only (a reply's quote). */
type Target = { seq: number; messageId?: undefined } | { messageId: string; seq?: undefined };

const AT_NEWEST: IndexLocationWithAlign = { index: 'LAST', align: 'end' };
/** Long enough to find the message on screen, short enough not to linger. */
const HIGHLIGHT_MS = 2_500;
const HIDDEN_NOTICE = 'That message was deleted for you';

/**
 * Takes a list to a message: asks the store to show it (loading a window around it when it is
 * not loaded), and once its row is there, opens the list centred on it, highlights it for a
 * moment and says which message it is to screen readers. `jump` comes from a search hit;
 * `showQuoted` takes the same path for the message a reply quotes, unless the lookup finds it
 * deleted for this user: then it has no row to go to, a notice says so, and `hiddenIds` holds it,
 * so its quotes show it deleted. `toNewest` goes back to the live end.
 */
export function useMessageJump(chat: Chat, jump: MessageJump | undefined, rows: readonly Row[], list: RefObject<HTMLElement | null>) {
  const store = useStore();
  const me = useApp((s) => s.me.id);
  const showError = useShowError();
  const [opening, setOpening] = useState<ListOpening>({ key: 0, at: AT_NEWEST, focus: false });
  const [waiting, setWaiting] = useState<Target>();
  const [highlighted, setHighlighted] = useState<number>();
  const [announcement, setAnnouncement] = useState('');
  const [hiddenIds, setHiddenIds] = useState<ReadonlySet<string>>(() => new Set());
  const keys = useRef(0);

  /** Waits for `target`'s row while `shown` loads it; stops waiting if it fails (and says why). */
  const show = useCallback(<T>(target: Target, shown: Promise<T>): Promise<T | undefined> => {
    setWaiting(target);
    return shown.catch((err: unknown) => {
      setWaiting((w) => (w === target ? undefined : w));
      showError(err);
      return undefined;
    });
  }, [showError]);

  useEffect(() => {
    if (jump && jump.chatId === chat.id) void show({ seq: jump.seq }, store.history.showMessage(chat.id, jump.seq));
  }, [jump, chat.id, store, show]);

  const showQuoted = useCallback(async (messageId: string) => {
    const target = { messageId };
    const found = await show(target, store.history.showMessageById(chat.id, messageId));
    if (!found?.hidden) return;
    setWaiting((w) => (w === target ? undefined : w));
    // The quote stops being a button to press: the focus it had stays in the list instead of falling to the page.
    if (list.current?.contains(document.activeElement)) list.current.focus({ preventScroll: true });
    setHiddenIds((ids) => new Set(ids).add(messageId));
    showError(HIDDEN_NOTICE);
  }, [chat.id, store, show, showError, list]);

  // Before paint: the list must not show the window for a frame at the old scroll position.
  useLayoutEffect(() => {
    if (!waiting) return;
    const index = rows.findIndex((r) => (waiting.messageId !== undefined ? r.message?.id === waiting.messageId : r.message?.seq === waiting.seq));
    const message = rows[index]?.message;
    if (!message) return; // not loaded yet
    setWaiting(undefined);
    setOpening({ key: ++keys.current, at: { index, align: 'center' }, focus: true });
    setHighlighted(message.seq);
    const who = message.senderId === me ? 'your message' : `message from ${memberName(chat, message.senderId)}`;
    const text = message.deletedAt ? 'Message deleted' : previewText(message);
    setAnnouncement(`Showing ${who}, ${dayLabel(message.createdAt)} ${clockTime(message.createdAt)}: ${text}`);
  }, [waiting, rows, me, chat]);

  useEffect(() => {
    if (highlighted === undefined) return;
    const timer = setTimeout(() => setHighlighted(undefined), HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [highlighted, opening.key]);

  const toNewest = useCallback(() => {
    setWaiting(undefined);
    store.history.showLive(chat.id);
    setOpening({ key: ++keys.current, at: AT_NEWEST, focus: false });
  }, [store, chat.id]);

  return { opening, highlighted, announcement, hiddenIds, showQuoted, toNewest };
}
