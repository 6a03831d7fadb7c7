import { useState } from 'react';
import type { Chat, Message } from '@parley/client';
import { useApp, useStore } from '../../state/useApp.js';
import { Avatar } from '../Avatar.js';
import { chatTitle } from '../chatTitle.js';
import { Modal } from '../Modal.js';
import { describeError } from '../Toasts.js';

/** Pick chats to forward a message to; each pick forwards at once (media is shared, not copied). */
export function ForwardDialog({ message, close }: { message: Message; close(): void }) {
  const store = useStore();
  const me = useApp((s) => s.me.id);
  const chats = useApp((s) => s.chats);
  const [done, setDone] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState<string>();
  const [status, setStatus] = useState<string>();

  const forward = async (chat: Chat) => {
    setBusy(chat.id);
    try {
      await store.client.forward(message.chatId, message.id, chat.id);
      setDone((d) => new Set(d).add(chat.id));
      setStatus(`Forwarded to ${chatTitle(chat, me)}.`);
    } catch (err) {
      setStatus(describeError(err));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <Modal title="Forward to…" onClose={close}>
      <p className="muted forward-status" role="status">{status ?? ''}</p>
      <ul className="forward-list" aria-label="Chats">
        {chats.map((chat) => {
          const title = chatTitle(chat, me);
          return (
            <li key={chat.id}>
              <button type="button" className="forward-chat" disabled={busy !== undefined || done.has(chat.id)} onClick={() => void forward(chat)}
                aria-label={`Forward to ${title}${done.has(chat.id) ? ' (sent)' : ''}`}>
                <Avatar id={chat.id} name={title} size={32} group={chat.type === 'group'} />
                <span className="forward-title">{title}</span>
                {done.has(chat.id) && <span className="muted">Sent</span>}
              </button>
            </li>
          );
        })}
      </ul>
    </Modal>
  );
}
