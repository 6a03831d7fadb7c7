import type { Chat } from '@parley/client';
import { useApp } from '../state/useApp.js';
import { lastSeen } from '../text/format.js';
import { Avatar } from './Avatar.js';
import { chatTitle, peerOf, typingText } from './chatTitle.js';
import { IconBack, IconBellOff, IconInfo } from './icons.js';
import { isMuted } from './mute.js';

interface ChatHeaderProps {
  chat: Chat;
  back(): void;
  showInfo(): void;
}

/** Who the chat is with and what they are doing: typing, online, last seen, or the group's size. */
export function ChatHeader({ chat, back, showInfo }: ChatHeaderProps) {
  const me = useApp((s) => s.me.id);
  const presence = useApp((s) => s.presence);
  const typing = useApp((s) => s.typing[chat.id]);
  const peer = peerOf(chat, me);
  const title = chatTitle(chat, me);
  const typingNow = typingText(chat, typing ?? []);
  let status: string;
  if (peer) {
    const p = presence[peer.userId];
    status = p?.status === 'online' ? 'online' : p?.status === 'away' ? 'away' : p?.lastSeen ? lastSeen(p.lastSeen) : `@${peer.username}`;
  } else {
    const online = chat.members.filter((m) => m.userId !== me && presence[m.userId]?.status === 'online').length;
    status = `${chat.members.length} member${chat.members.length === 1 ? '' : 's'}${online > 0 ? `, ${online} online` : ''}`;
  }
  return (
    <header className="chat-header">
      <button type="button" className="icon-button back-button" onClick={back} aria-label="Back to chats">
        <IconBack />
      </button>
      <button type="button" className="chat-header-who" onClick={showInfo} aria-label={`${chat.type === 'group' ? 'Group' : 'Contact'} info: ${title}${isMuted(chat) ? ', muted' : ''}`}>
        <Avatar id={peer?.userId ?? chat.id} name={title} size={40} online={peer ? presence[peer.userId]?.status === 'online' : false} group={chat.type === 'group'} />
        <span className="chat-header-text">
          <span className="chat-header-title-row">
            <span className="chat-header-title">{title}</span>
            {isMuted(chat) && <IconBellOff className="muted-icon" data-testid="muted-icon" width={16} height={16} />}
          </span>
          <span className={`chat-header-status ${typingNow ? 'typing' : status === 'online' ? 'online' : ''}`} data-testid="chat-status" aria-live="polite">
            {typingNow ?? status}
          </span>
        </span>
      </button>
      <button type="button" className="icon-button" onClick={showInfo} aria-label="Chat info" title="Chat info">
        <IconInfo />
      </button>
    </header>
  );
}
