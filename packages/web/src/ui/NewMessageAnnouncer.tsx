import { useEffect, useRef, useState } from 'react';
import type { Chat } from '@parley/client';
import { useApp } from '../state/useApp.js';
import { memberName } from './chatTitle.js';

/**
 * Screen readers hear each new message from others in the open chat ("Ann: see you at 7"):
 * the virtualized list itself adds and drops rows while scrolling, so it cannot be the live region.
 */
export function NewMessageAnnouncer({ chat }: { chat: Chat }) {
  const me = useApp((s) => s.me.id);
  const last = useApp((s) => s.messages[chat.id]?.at(-1));
  const seen = useRef(last?.seq ?? 0);
  const [text, setText] = useState('');
  useEffect(() => {
    if (!last || last.seq <= seen.current) return;
    seen.current = last.seq;
    if (last.senderId !== me) setText(`${memberName(chat, last.senderId)}: ${last.content}`);
  }, [last, me, chat]);
  return <div className="visually-hidden" aria-live="polite">{text}</div>;
}
