import { useEffect, useRef, useState } from 'react';
import type { Message } from '@parley/client';
import { useApp, useStore } from '../state/useApp.js';
import { ChatHeader } from './ChatHeader.js';
import { ChatInfoDialog } from './ChatInfoDialog.js';
import { Composer } from './Composer.js';
import { DeleteMessageDialog } from './DeleteMessageDialog.js';
import { EditMessageDialog } from './EditMessageDialog.js';
import { MessageList, type MessageListHandle } from './MessageList.js';
import { NewMessageAnnouncer } from './NewMessageAnnouncer.js';
import type { MessageJump } from './useMessageJump.js';

interface ChatPaneProps {
  chatId: string;
  /** A message to show (a search hit in this chat). */
  jump?: MessageJump;
  close(): void;
  openChat(chatId: string): void;
}

/** One open chat: header, messages, composer; the newest page is fetched once the link is up. */
export function ChatPane({ chatId, jump, close, openChat }: ChatPaneProps) {
  const store = useStore();
  const chat = useApp((s) => s.chats.find((c) => c.id === chatId));
  const ready = useApp((s) => s.connection === 'ready');
  const [replyTo, setReplyTo] = useState<Message>();
  const [info, setInfo] = useState(false);
  const [editing, setEditing] = useState<Message>();
  const [deleting, setDeleting] = useState<Message>();
  const me = useApp((s) => s.me.id);
  const list = useRef<MessageListHandle>(null);
  const fetched = useRef(false);

  useEffect(() => {
    if (!ready || fetched.current) return;
    fetched.current = true;
    store.history.loadNewest(chatId).catch(() => (fetched.current = false));
  }, [ready, store, chatId]);

  if (!chat) {
    return (
      <section className="chat-pane" aria-label="Chat">
        <div className="empty-pane">
          <p className="muted">{ready ? 'This chat is not available.' : 'Loading…'}</p>
          <button type="button" className="secondary" onClick={close}>Back to chats</button>
        </div>
      </section>
    );
  }
  return (
    <section className="chat-pane" aria-label="Chat">
      <ChatHeader chat={chat} back={close} showInfo={() => setInfo(true)} />
      <MessageList ref={list} chat={chat} jump={jump} onReply={setReplyTo} onEdit={setEditing} onDelete={setDeleting} />
      <NewMessageAnnouncer chat={chat} />
      <Composer
        chat={chat}
        replyTo={replyTo}
        cancelReply={() => setReplyTo(undefined)}
        sent={() => (setReplyTo(undefined), list.current?.scrollToNewest())}
      />
      {editing && <EditMessageDialog message={editing} close={() => setEditing(undefined)} />}
      {deleting && (
        <DeleteMessageDialog
          message={deleting}
          forEveryone={deleting.senderId === me || chat.members.some((m) => m.userId === me && m.role === 'admin' && chat.type === 'group')}
          close={() => setDeleting(undefined)}
        />
      )}
      {info && <ChatInfoDialog chat={chat} close={() => setInfo(false)} openChat={openChat} leftChat={close} />}
    </section>
  );
}
