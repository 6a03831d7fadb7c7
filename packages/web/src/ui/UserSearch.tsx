import { useEffect, useId, useState } from 'react';
import type { User } from '@parley/client';
import { useApp, useStore } from '../state/useApp.js';
import { Avatar } from './Avatar.js';
import { IconCheck, IconSearch } from './icons.js';

interface UserSearchProps {
  /** Called with the chosen user (single choice) or toggles it (with `selected`). */
  pick(user: User): void;
  selected?: ReadonlySet<string>;
  exclude?: ReadonlySet<string>;
  label?: string;
  autoFocus?: boolean;
}

/** Finds people by username prefix (`GET /users?search=`). */
export function UserSearch({ pick, selected, exclude, label = 'Search by username', autoFocus }: UserSearchProps) {
  const store = useStore();
  const me = useApp((s) => s.me.id);
  const [query, setQuery] = useState('');
  const [users, setUsers] = useState<User[]>([]);
  const [state, setState] = useState<'idle' | 'searching' | 'done' | 'failed'>('idle');
  const listId = useId();

  useEffect(() => {
    const prefix = query.trim().toLowerCase().replace(/^@/, '').replace(/[^a-z0-9_.]/g, '');
    if (!prefix) return setUsers([]), setState('idle');
    let current = true;
    setState('searching');
    const timer = setTimeout(() => {
      store.client.request<{ users: User[] }>('GET', `/users?search=${encodeURIComponent(prefix)}`)
        .then((r) => current && (setUsers(r.users), setState('done')))
        .catch(() => current && setState('failed'));
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query, store]);

  const shown = users.filter((u) => u.id !== me && !exclude?.has(u.id));
  return (
    <div className="user-search">
      <div className="search">
        <IconSearch width={16} height={16} />
        <input type="search" aria-label={label} placeholder={label} value={query} autoFocus={autoFocus}
          onChange={(e) => setQuery(e.target.value)} aria-controls={listId} autoCapitalize="none" spellCheck={false} />
      </div>
      <ul id={listId} className="user-results" aria-live="polite">
        {shown.map((u) => {
          const on = selected?.has(u.id);
          return (
            <li key={u.id}>
              <button type="button" className="user-row" onClick={() => pick(u)} aria-pressed={selected ? on : undefined}>
                <Avatar id={u.id} name={u.displayName} size={36} />
                <span className="user-row-text">
                  <span className="user-row-name">{u.displayName}</span>
                  <span className="muted">@{u.username}</span>
                </span>
                {selected && <span className={`check ${on ? 'on' : ''}`} aria-hidden="true">{on && <IconCheck width={14} height={14} />}</span>}
              </button>
            </li>
          );
        })}
        {state === 'done' && shown.length === 0 && <li className="muted user-results-note">No one with that username.</li>}
        {state === 'failed' && <li className="muted user-results-note">Search needs a connection.</li>}
      </ul>
    </div>
  );
}
