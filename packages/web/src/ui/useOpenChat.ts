import { useCallback, useEffect, useState } from 'react';

const CHAT = /^#\/chat\/(.+)$/;

function chatFromHash(): string | undefined {
  const id = CHAT.exec(window.location.hash)?.[1];
  return id ? decodeURIComponent(id) : undefined;
}

/**
 * The open chat lives in the URL (`#/chat/<id>`), so a reload reopens it and the phone's back
 * button goes from a chat to the list. Switching chats replaces the entry: back is the list.
 */
export function useOpenChat(): [string | undefined, (chatId: string | undefined) => void] {
  const [chatId, setChatId] = useState(chatFromHash);
  useEffect(() => {
    const changed = () => setChatId(chatFromHash());
    window.addEventListener('popstate', changed);
    window.addEventListener('hashchange', changed);
    return () => {
      window.removeEventListener('popstate', changed);
      window.removeEventListener('hashchange', changed);
    };
  }, []);
  const open = useCallback((next: string | undefined) => {
    const pushed = (window.history.state as { parleyChat?: boolean } | null)?.parleyChat === true;
    if (next) {
      const url = `#/chat/${encodeURIComponent(next)}`;
      if (pushed) window.history.replaceState({ parleyChat: true }, '', url);
      else window.history.pushState({ parleyChat: true }, '', url);
      setChatId(next);
    } else if (pushed) {
      window.history.back();
    } else {
      window.history.replaceState(null, '', window.location.pathname);
      setChatId(undefined);
    }
  }, []);
  return [chatId, open];
}
