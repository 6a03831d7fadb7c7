import { useMemo, useState } from 'react';
import type { Chat } from '@parley/client';
import { useApp } from '../state/useApp.js';
import { Avatar } from './Avatar.js';
import { ChatListItem } from './ChatListItem.js';
import { chatTitle } from './chatTitle.js';
import { IconCompose, IconSearch, IconSettings, IconUsers } from './icons.js';
import type { Panel } from './Messenger.js';
import { NewChatDialog } from './NewChatDialog.js';
import { MessageSearch } from './search/MessageSearch.js';
import { ThemeToggle } from './ThemeToggle.js';

interface SidebarProps {
  activeChatId?: string;
  openChat(chatId: string): void;
  /** Opens a chat at one of its messages (a search hit). */
  openMessage(chatId: string, seq: number): void;
  setPanel(panel: Panel): void;
}

function matches(chat: Chat, me: string, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  if (chatTitle(chat, me).toLowerCase().includes(q)) return true;
  return chat.members.some((m) => m.userId !== me && (m.displayName.toLowerCase().includes(q) || m.username.includes(q)));
}

/** The chat list: most recently active first, with a filter. */
export function Sidebar({ activeChatId, openChat, openMessage, setPanel }: SidebarProps) {
  const me = useApp((s) => s.me);
  const chats = useApp((s) => s.chats);
  const [query, setQuery] = useState('');
  const [composing, setComposing] = useState(false);
  const shown = useMemo(() => chats.filter((c) => matches(c, me.id, query)), [chats, me.id, query]);

  return (
    <>
      <header className="sidebar-header">
        <button type="button" className="me-button" onClick={() => setPanel('settings')} aria-label={`Settings for ${me.displayName}`}>
          <Avatar id={me.id} name={me.displayName} size={36} />
        </button>
        <h1 className="sidebar-title">Chats</h1>
        <div className="header-actions">
          <ThemeToggle />
          <button type="button" className="icon-button" onClick={() => setPanel('contacts')} aria-label="Contacts" title="Contacts">
            <IconUsers />
          </button>
          <button type="button" className="icon-button" onClick={() => setPanel('settings')} aria-label="Settings" title="Settings">
            <IconSettings />
          </button>
          <button type="button" className="icon-button accent" onClick={() => setComposing(true)} aria-label="New chat" title="New chat">
            <IconCompose />
          </button>
        </div>
      </header>
      <div className="search">
        <IconSearch width={16} height={16} />
        <input type="search" placeholder="Search chats and messages" aria-label="Search chats" value={query} onChange={(e) => setQuery(e.target.value)} />
      </div>
      <nav className="chat-list" aria-label="Chat list">
        {shown.length === 0 ? (
          <p className="list-empty muted">
            {chats.length === 0 ? 'No chats yet. Start one with the pencil button.' : 'No chat matches.'}
          </p>
        ) : (
          <ul>
            {shown.map((chat) => (
              <ChatListItem key={chat.id} chat={chat} active={chat.id === activeChatId} open={() => openChat(chat.id)} />
            ))}
          </ul>
        )}
      </nav>
      {query.trim() && <MessageSearch query={query} openMessage={openMessage} />}
      {composing && <NewChatDialog close={() => setComposing(false)} openChat={openChat} />}
    </>
  );
}
