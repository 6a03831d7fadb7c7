import { memo } from 'react';
import type { Chat } from '@parley/client';
import { useApp, useStore } from '../state/useApp.js';
import { listTime } from '../text/format.js';
import { Avatar } from './Avatar.js';
import { chatTitle, memberName, peerOf, typingText } from './chatTitle.js';
import { Tick } from './Tick.js';
import { previewText } from './media/previewText.js';
import { IconBellOff } from './icons.js';
import { isMuted } from './mute.js';

interface ChatListItemProps {
  chat: Chat;
  active: boolean;
  open(): void;
}

/** One row: avatar with presence, name, time, the last message (or who is typing), unread count. */
export const ChatListItem = memo(function ChatListItem({ chat, active, open }: ChatListItemProps) {
  const store = useStore();
  const me = useApp((s) => s.me.id);
  const peer = peerOf(chat, me);
  const online = useApp((s) => (peer ? s.presence[peer.userId]?.status === 'online' : false));
  const typing = useApp((s) => s.typing[chat.id]);
  const pending = useApp((s) => s.pending[chat.id]);
  useApp((s) => s.receipts); // own last message's tick
  const title = chatTitle(chat, me);
  const local = pending?.[pending.length - 1];
  const last = chat.lastMessage;
  const showLocal = local && (!last || local.createdAt >= last.createdAt);
  const own = showLocal || last?.senderId === me;
  const text = showLocal ? previewText(local) : last?.deletedAt || last?.hidden ? 'Message deleted' : last && previewText(last);
  const at = showLocal ? local.createdAt : last?.createdAt;
  const who = own ? 'You: ' : chat.type === 'group' && last ? `${memberName(chat, last.senderId).split(' ')[0]}: ` : '';
  const typingNow = typingText(chat, typing ?? []);
  const unread = chat.unreadCount;
  const muted = isMuted(chat);
  const label = [title, online ? 'online' : '', muted ? 'muted' : '', unread ? `${unread} unread` : ''].filter(Boolean).join(', ');

  return (
    <li>
      <button type="button" className="chat-item" aria-current={active ? 'page' : undefined} onClick={open} aria-label={label} data-chat-id={chat.id}>
        <Avatar id={peer?.userId ?? chat.id} name={title} online={online} group={chat.type === 'group'} />
        <span className="chat-item-body">
          <span className="chat-item-top">
            <span className="chat-item-name">{title}</span>
            {at && <time className="chat-item-time" dateTime={at}>{listTime(at)}</time>}
          </span>
          <span className="chat-item-bottom">
            {typingNow ? (
              <span className="chat-item-preview typing">{typingNow}</span>
            ) : (
              <span className="chat-item-preview">
                {own && (showLocal ? <Tick status={local.status} /> : last && <Tick status={store.client.statusOf(last)} />)}
                {text !== undefined ? (
                  <>
                    <span className="preview-who">{who}</span>
                    {text}
                  </>
                ) : (
                  <span className="muted">{chat.type === 'group' ? 'Group created' : 'Say hello'}</span>
                )}
              </span>
            )}
            {muted && <IconBellOff className="muted-icon" data-testid="muted-icon" width={16} height={16} />}
            {unread > 0 && <span className={muted ? 'badge quiet' : 'badge'} aria-hidden="true">{unread > 999 ? '999+' : unread}</span>}
          </span>
        </span>
      </button>
    </li>
  );
});
