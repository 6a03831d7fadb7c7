import { useState, type FormEvent } from 'react';
import type { Chat, ChatMember, User } from '@parley/client';
import { LIMITS } from '@parley/protocol';
import { useApp, useStore } from '../state/useApp.js';
import { lastSeen } from '../text/format.js';
import { Avatar } from './Avatar.js';
import { useShowError } from './Toasts.js';
import { UserSearch } from './UserSearch.js';

/** Members and roles; admins rename, add, remove and promote; anyone leaves. */
export function GroupInfo({ chat, left }: { chat: Chat; left(): void }) {
  const store = useStore();
  const me = useApp((s) => s.me.id);
  const presence = useApp((s) => s.presence);
  const showError = useShowError();
  const [name, setName] = useState(chat.name ?? '');
  const [adding, setAdding] = useState(false);
  const admin = chat.members.find((m) => m.userId === me)?.role === 'admin';
  const path = `/chats/${encodeURIComponent(chat.id)}`;

  const act = async (call: () => Promise<Chat | undefined>) => {
    try {
      const changed = await call();
      store.upsertChat(changed ?? (await store.client.request<Chat>('GET', path)));
    } catch (err) {
      showError(err);
    }
  };
  const rename = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim() && name.trim() !== chat.name) void act(() => store.client.request<Chat>('PATCH', path, { name: name.trim() }));
  };
  const add = (user: User) => void act(() => store.client.request<Chat>('POST', `${path}/members`, { userIds: [user.id] }));
  const remove = (m: ChatMember) => void act(() => store.client.request<undefined>('DELETE', `${path}/members/${encodeURIComponent(m.userId)}`));
  const setRole = (m: ChatMember, role: 'admin' | 'member') =>
    void act(() => store.client.request<Chat>('PUT', `${path}/members/${encodeURIComponent(m.userId)}/role`, { role }));
  const leave = async () => {
    if (!window.confirm(`Leave “${chat.name ?? 'this group'}”?`)) return;
    try {
      await store.client.request('POST', `${path}/leave`);
      store.removeChat(chat.id);
      left();
    } catch (err) {
      showError(err);
    }
  };

  const members = [...chat.members].sort((a, b) => (a.role === b.role ? a.displayName.localeCompare(b.displayName) : a.role === 'admin' ? -1 : 1));
  return (
    <div className="stack">
      <div className="info-hero">
        <Avatar id={chat.id} name={chat.name ?? 'Group'} size={72} group />
        {admin ? (
          <form onSubmit={rename} className="inline-form">
            <label className="visually-hidden" htmlFor="group-name">Group name</label>
            <input id="group-name" value={name} maxLength={LIMITS.groupNameMax} onChange={(e) => setName(e.target.value)} />
            <button type="submit" className="secondary" disabled={!name.trim() || name.trim() === chat.name}>Rename</button>
          </form>
        ) : (
          <h3>{chat.name}</h3>
        )}
        <p className="muted">{chat.members.length} members</p>
      </div>
      <section aria-labelledby="members-heading">
        <div className="section-head">
          <h3 id="members-heading">Members</h3>
          {admin && <button type="button" className="secondary small" onClick={() => setAdding((v) => !v)} aria-expanded={adding}>{adding ? 'Done' : 'Add members'}</button>}
        </div>
        {adding && <UserSearch pick={add} exclude={new Set(chat.members.map((m) => m.userId))} label="Add by username" autoFocus />}
        <ul className="member-list">
          {members.map((m) => {
            const p = presence[m.userId];
            const status = m.userId === me ? 'you' : p?.status === 'online' ? 'online' : p?.lastSeen ? lastSeen(p.lastSeen) : `@${m.username}`;
            return (
              <li key={m.userId} className="member-row">
                <Avatar id={m.userId} name={m.displayName} size={36} online={p?.status === 'online'} />
                <span className="user-row-text">
                  <span className="user-row-name">{m.displayName}{m.role === 'admin' && <span className="role-badge">admin</span>}</span>
                  <span className="muted">{status}</span>
                </span>
                {admin && m.userId !== me && (
                  <span className="member-actions">
                    <button type="button" className="link-button" onClick={() => setRole(m, m.role === 'admin' ? 'member' : 'admin')}
                      aria-label={m.role === 'admin' ? `Remove ${m.displayName} as admin` : `Make ${m.displayName} an admin`}>
                      {m.role === 'admin' ? 'Remove admin' : 'Make admin'}
                    </button>
                    <button type="button" className="link-button danger" onClick={() => remove(m)} aria-label={`Remove ${m.displayName} from the group`}>Remove</button>
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      </section>
      <button type="button" className="danger-button" onClick={() => void leave()}>Leave group</button>
    </div>
  );
}
