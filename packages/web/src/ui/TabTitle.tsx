import { useEffect } from 'react';
import { useApp } from '../state/useApp.js';
import { isMuted } from './mute.js';

const TITLE = 'Parley';

/** "(3) Parley": chats with unread messages, muted ones left out, so a background tab shows there is something to read. */
export function TabTitle() {
  const unread = useApp((s) => s.chats.filter((chat) => chat.unreadCount > 0 && !isMuted(chat)).length);
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) ${TITLE}` : TITLE;
  }, [unread]);
  useEffect(() => () => void (document.title = TITLE), []); // signed out
  return null;
}
