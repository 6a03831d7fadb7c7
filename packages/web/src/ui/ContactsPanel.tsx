import { useCallback, useEffect, useState } from 'react';
import type { Contact, ContactStatus, User } from '@parley/client';
import { useApp, useStore } from '../state/useApp.js';
import { Avatar } from './Avatar.js';
import { ContactInfo } from './ContactInfo.js';
import { IconBack } from './icons.js';
import { Modal } from './Modal.js';
import { useShowError } from './Toasts.js';
import { UserSearch } from './UserSearch.js';

const SECTIONS: Array<{ status: ContactStatus; title: string }> = [
  { status: 'pending_incoming', title: 'Requests' },
  { status: 'accepted', title: 'Contacts' },
  { status: 'pending_outgoing', title: 'Sent requests' },
  { status: 'blocked', title: 'Blocked' },
];

/** Contacts, requests both ways, and the block list. */
export function ContactsPanel({ openChat, close }: { openChat(chatId: string): void; close(): void }) {
  const store = useStore();
  const presence = useApp((s) => s.presence);
  const showError = useShowError();
  const [contacts, setContacts] = useState<Contact[]>();
  const [shown, setShown] = useState<string>();
  const [adding, setAdding] = useState(false);

  const load = useCallback(
    () => store.client.request<{ contacts: Contact[] }>('GET', '/contacts').then((r) => setContacts(r.contacts)).catch(showError),
    [store, showError],
  );
  useEffect(() => void load(), [load]);
  const act = async (method: string, path: string, body?: unknown) => {
    try {
      await store.client.request(method, path, body);
    } catch (err) {
      showError(err);
    }
    await load();
  };
  const add = (user: User) => void act('POST', '/contacts', { userId: user.id }).then(() => setAdding(false));

  return (
    <>
      <header className="sidebar-header">
        <button type="button" className="icon-button" onClick={close} aria-label="Back to chats"><IconBack /></button>
        <h1 className="sidebar-title">Contacts</h1>
        <button type="button" className="secondary small" onClick={() => setAdding((v) => !v)} aria-expanded={adding}>{adding ? 'Done' : 'Add contact'}</button>
      </header>
      <div className="panel-scroll">
        {adding && <UserSearch pick={add} exclude={new Set(contacts?.map((c) => c.user.id))} label="Find people by username" autoFocus />}
        {contacts?.length === 0 && !adding && <p className="list-empty muted">No contacts yet. Add people by their username.</p>}
        {SECTIONS.map(({ status, title }) => {
          const list = contacts?.filter((c) => c.status === status) ?? [];
          if (list.length === 0) return null;
          return (
            <section key={status} className="contact-section" aria-label={title}>
              <h2 className="section-title">{title}</h2>
              <ul>
                {list.map(({ user }) => {
                  const id = encodeURIComponent(user.id);
                  return (
                    <li key={user.id} className="member-row">
                      <button type="button" className="user-row" onClick={() => setShown(user.id)} aria-label={`${user.displayName}, @${user.username}`}>
                        <Avatar id={user.id} name={user.displayName} size={40} online={presence[user.id]?.status === 'online'} />
                        <span className="user-row-text">
                          <span className="user-row-name">{user.displayName}</span>
                          <span className="muted">@{user.username}</span>
                        </span>
                      </button>
                      <span className="member-actions">
                        {status === 'pending_incoming' && (
                          <>
                            <button type="button" className="link-button" onClick={() => void act('POST', `/contacts/${id}/accept`)}>Accept</button>
                            <button type="button" className="link-button danger" onClick={() => void act('DELETE', `/contacts/${id}`)}>Decline</button>
                          </>
                        )}
                        {status === 'pending_outgoing' && <button type="button" className="link-button" onClick={() => void act('DELETE', `/contacts/${id}`)}>Cancel</button>}
                        {status === 'blocked' && <button type="button" className="link-button" onClick={() => void act('DELETE', `/contacts/${id}/block`)} aria-label={`Unblock ${user.displayName}`}>Unblock</button>}
                        {status === 'accepted' && <button type="button" className="link-button danger" onClick={() => void act('POST', `/contacts/${id}/block`)} aria-label={`Block ${user.displayName}`}>Block</button>}
                      </span>
                    </li>
                  );
                })}
              </ul>
            </section>
          );
        })}
      </div>
      {shown && (
        <Modal title="Contact info" onClose={() => (setShown(undefined), void load())}>
          <ContactInfo userId={shown} openChat={(chatId) => (setShown(undefined), openChat(chatId))} />
        </Modal>
      )}
    </>
  );
}
