import { useState, type FormEvent } from 'react';
import type { User } from '@parley/client';
import { LIMITS } from '@parley/protocol';
import { useStore } from '../state/useApp.js';
import { Avatar } from './Avatar.js';
import { Modal } from './Modal.js';
import { useShowError } from './Toasts.js';
import { UserSearch } from './UserSearch.js';

interface NewChatDialogProps {
  close(): void;
  openChat(chatId: string): void;
}

/** A private chat with someone found by username, or a new group with members. */
export function NewChatDialog({ close, openChat }: NewChatDialogProps) {
  const store = useStore();
  const showError = useShowError();
  const [mode, setMode] = useState<'person' | 'group'>('person');
  const [name, setName] = useState('');
  const [members, setMembers] = useState<User[]>([]);
  const [busy, setBusy] = useState(false);

  const run = async (create: () => Promise<{ id: string }>) => {
    setBusy(true);
    try {
      const chat = await create();
      close();
      openChat(chat.id);
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };
  const startPrivate = (user: User) =>
    void run(async () => {
      const chat = await store.client.openPrivateChat(user.id);
      store.upsertChat(chat);
      return chat;
    });
  const createGroup = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const chat = await store.client.createGroup(name.trim(), members.map((m) => m.id));
      store.upsertChat(chat);
      return chat;
    });
  };
  const toggle = (user: User) =>
    setMembers((list) => (list.some((m) => m.id === user.id) ? list.filter((m) => m.id !== user.id) : [...list, user]));

  return (
    <Modal title={mode === 'person' ? 'New chat' : 'New group'} onClose={close}>
      <div className="segmented" role="tablist" aria-label="Kind of chat">
        <button type="button" role="tab" aria-selected={mode === 'person'} onClick={() => setMode('person')}>Person</button>
        <button type="button" role="tab" aria-selected={mode === 'group'} onClick={() => setMode('group')}>Group</button>
      </div>
      {mode === 'person' ? (
        <UserSearch pick={startPrivate} autoFocus />
      ) : (
        <form onSubmit={createGroup} className="stack">
          <label>
            Group name
            <input required maxLength={LIMITS.groupNameMax} value={name} onChange={(e) => setName(e.target.value)} autoFocus />
          </label>
          {members.length > 0 && (
            <ul className="chips" aria-label="Members to add">
              {members.map((m) => (
                <li key={m.id}>
                  <button type="button" className="chip" onClick={() => toggle(m)} aria-label={`Remove ${m.displayName}`}>
                    <Avatar id={m.id} name={m.displayName} size={20} /> {m.displayName} <span aria-hidden="true">×</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          <UserSearch pick={toggle} selected={new Set(members.map((m) => m.id))} label="Add members by username" />
          <button type="submit" className="primary" disabled={busy || !name.trim()}>
            Create group{members.length > 0 ? ` with ${members.length} ${members.length === 1 ? 'person' : 'people'}` : ''}
          </button>
        </form>
      )}
    </Modal>
  );
}
