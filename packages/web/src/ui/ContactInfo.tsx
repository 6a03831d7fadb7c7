import { useCallback, useEffect, useState } from 'react';
import type { Contact, Profile } from '@parley/client';
import { useApp, useStore } from '../state/useApp.js';
import { lastSeen } from '../text/format.js';
import { Avatar } from './Avatar.js';
import { useShowError } from './Toasts.js';

/** A person: profile, presence, and contact or block actions. */
export function ContactInfo({ userId, openChat }: { userId: string; openChat?(chatId: string): void }) {
  const store = useStore();
  const showError = useShowError();
  const p = useApp((s) => s.presence[userId]);
  const [profile, setProfile] = useState<Profile>();
  const [contact, setContact] = useState<Contact | null>();

  const load = useCallback(async () => {
    const [prof, list] = await Promise.all([
      store.client.request<Profile>('GET', `/users/${encodeURIComponent(userId)}/profile`),
      store.client.request<{ contacts: Contact[] }>('GET', '/contacts'),
    ]);
    setProfile(prof);
    setContact(list.contacts.find((c) => c.user.id === userId) ?? null);
  }, [store, userId]);
  useEffect(() => void load().catch(showError), [load, showError]);

  const act = (method: string, path: string, body?: unknown) => async () => {
    try {
      await store.client.request(method, path, body);
      await load();
    } catch (err) {
      showError(err);
    }
  };
  const id = encodeURIComponent(userId);
  const message = async () => {
    try {
      const chat = await store.client.openPrivateChat(userId);
      store.upsertChat(chat);
      openChat?.(chat.id);
    } catch (err) {
      showError(err);
    }
  };

  if (!profile) return <p className="muted">Loading…</p>;
  const status = contact?.status;
  return (
    <div className="stack">
      <div className="info-hero">
        <Avatar id={profile.id} name={profile.displayName} size={72} online={p?.status === 'online'} />
        <h3>{profile.displayName}</h3>
        <p className="muted">@{profile.username} · {p?.status === 'online' ? 'online' : p?.lastSeen ? lastSeen(p.lastSeen) : 'offline'}</p>
        {profile.about && <p className="about">{profile.about}</p>}
      </div>
      <div className="button-row">
        {openChat && status !== 'blocked' && <button type="button" className="primary" onClick={() => void message()}>Message</button>}
        {!status && <button type="button" className="secondary" onClick={act('POST', '/contacts', { userId })}>Add contact</button>}
        {status === 'pending_incoming' && <button type="button" className="secondary" onClick={act('POST', `/contacts/${id}/accept`)}>Accept request</button>}
        {status === 'pending_outgoing' && <button type="button" className="secondary" onClick={act('DELETE', `/contacts/${id}`)}>Cancel request</button>}
        {status === 'accepted' && <button type="button" className="secondary" onClick={act('DELETE', `/contacts/${id}`)}>Remove contact</button>}
        {status === 'blocked' ? (
          <button type="button" className="secondary" onClick={act('DELETE', `/contacts/${id}/block`)}>Unblock</button>
        ) : (
          <button type="button" className="danger-button" onClick={act('POST', `/contacts/${id}/block`)}>Block</button>
        )}
      </div>
    </div>
  );
}
