import { useEffect, useState, type FormEvent } from 'react';
import type { Device, Privacy, Profile, Visibility } from '@parley/client';
import { LIMITS } from '@parley/protocol';
import { useApp, useStore } from '../state/useApp.js';
import { Avatar } from './Avatar.js';
import { IconBack } from './icons.js';
import { NotificationSettings } from './NotificationSettings.js';
import { applyTheme, storedTheme, type ThemeChoice } from './theme.js';
import { useShowError } from './Toasts.js';
import { YourDataSettings } from './YourDataSettings.js';

const VISIBILITY: Array<{ value: Visibility; label: string }> = [
  { value: 'everyone', label: 'Everyone' },
  { value: 'contacts', label: 'My contacts' },
  { value: 'nobody', label: 'Nobody' },
];

/** Until the saved choice arrives the select shows "Loading…", never a default that may be wrong. */
function VisibilityOptions({ loaded }: { loaded: boolean }) {
  return (
    <>
      {!loaded && <option value="" disabled>Loading…</option>}
      {VISIBILITY.map((v) => <option key={v.value} value={v.value}>{v.label}</option>)}
    </>
  );
}

const userOf = (p: Profile) => ({ id: p.id, username: p.username, displayName: p.displayName });

/** Profile, status, privacy, theme, devices and sign-out. */
export function SettingsPanel({ close, signOut }: { close(): void; signOut(): Promise<void> }) {
  const store = useStore();
  const me = useApp((s) => s.me);
  const showError = useShowError();
  const [profile, setProfile] = useState<Profile>();
  const [displayName, setDisplayName] = useState(me.displayName);
  const [about, setAbout] = useState('');
  const [privacy, setPrivacy] = useState<Privacy>();
  const [status, setStatus] = useState<'online' | 'away' | 'offline'>('online');
  const [devices, setDevices] = useState<Device[]>([]);
  const [theme, setTheme] = useState<ThemeChoice>(storedTheme);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    const c = store.client;
    c.request<Profile>('GET', '/users/me').then((p) => (setProfile(p), setDisplayName(p.displayName), setAbout(p.about ?? ''), store.setMe(userOf(p)))).catch(showError);
    c.request<Privacy>('GET', '/users/me/privacy').then(setPrivacy).catch(() => {});
    c.request<{ devices: Device[] }>('GET', '/users/me/devices').then((r) => setDevices(r.devices)).catch(() => {});
    c.request<{ status: typeof status }>('GET', `/users/${encodeURIComponent(me.id)}/presence`).then((p) => setStatus(p.status)).catch(() => {});
  }, [store, showError, me.id]);

  const saveProfile = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const updated = await store.client.request<Profile>('PATCH', '/users/me', { displayName: displayName.trim(), about: about.trim() || null });
      setProfile(updated);
      store.setMe(userOf(updated));
      setSaved(true);
      setTimeout(() => setSaved(false), 2000);
    } catch (err) {
      showError(err);
    }
  };
  const changePrivacy = async (patch: Partial<Privacy>) => {
    try {
      setPrivacy(await store.client.request<Privacy>('PUT', '/users/me/privacy', patch));
    } catch (err) {
      showError(err);
    }
  };
  const changeStatus = async (next: typeof status) => {
    try {
      await store.client.request('PUT', '/users/me/status', { status: next });
      setStatus(next);
    } catch (err) {
      showError(err);
    }
  };
  const revoke = async (device: Device) => {
    try {
      await store.client.request('DELETE', `/users/me/devices/${encodeURIComponent(device.id)}`);
      setDevices((list) => list.filter((d) => d.id !== device.id));
    } catch (err) {
      showError(err);
    }
  };

  return (
    <>
      <header className="sidebar-header">
        <button type="button" className="icon-button" onClick={close} aria-label="Back to chats"><IconBack /></button>
        <h1 className="sidebar-title">Settings</h1>
      </header>
      <div className="panel-scroll settings">
        <div className="info-hero">
          <Avatar id={me.id} name={profile?.displayName ?? me.displayName} size={72} />
          <p className="muted">@{me.username}</p>
        </div>
        <form className="stack card" onSubmit={saveProfile} aria-label="Profile">
          <h2 className="section-title">Profile</h2>
          <label>
            Display name
            <input required maxLength={LIMITS.displayNameMax} value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
          </label>
          <label>
            About
            <textarea rows={2} maxLength={LIMITS.aboutMax} value={about} onChange={(e) => setAbout(e.target.value)} placeholder="A few words about you" />
          </label>
          <button type="submit" className="primary">{saved ? 'Saved' : 'Save profile'}</button>
        </form>
        <fieldset className="stack card">
          <legend className="section-title">Status</legend>
          <label className="row-label">
            Show me as
            <select value={status} onChange={(e) => void changeStatus(e.target.value as typeof status)}>
              <option value="online">Online</option>
              <option value="away">Away</option>
              <option value="offline">Invisible</option>
            </select>
          </label>
        </fieldset>
        <fieldset className="stack card" disabled={!privacy}>
          <legend className="section-title">Privacy</legend>
          <label className="row-label">
            Who sees when I’m online
            <select value={privacy?.online ?? ''} onChange={(e) => void changePrivacy({ online: e.target.value as Visibility })}>
              <VisibilityOptions loaded={!!privacy} />
            </select>
          </label>
          <label className="row-label">
            Who sees my last seen time
            <select value={privacy?.lastSeen ?? ''} onChange={(e) => void changePrivacy({ lastSeen: e.target.value as Visibility })}>
              <VisibilityOptions loaded={!!privacy} />
            </select>
          </label>
        </fieldset>
        <NotificationSettings />
        <fieldset className="stack card">
          <legend className="section-title">Appearance</legend>
          <label className="row-label">
            Theme
            <select value={theme} onChange={(e) => (applyTheme(e.target.value as ThemeChoice), setTheme(e.target.value as ThemeChoice))}>
              <option value="system">Same as the system</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </label>
        </fieldset>
        {devices.length > 0 && (
          <section className="stack card" aria-labelledby="devices-heading">
            <h2 id="devices-heading" className="section-title">Devices</h2>
            <ul className="device-list">
              {devices.map((d) => (
                <li key={d.id} className="device-row">
                  <span className="user-row-text">
                    <span className="user-row-name">{d.name}{d.current && <span className="role-badge">this device</span>}</span>
                    <span className="muted">Active {new Date(d.lastSeenAt).toLocaleString()}</span>
                  </span>
                  {!d.current && <button type="button" className="link-button danger" onClick={() => void revoke(d)}>Sign out</button>}
                </li>
              ))}
            </ul>
          </section>
        )}
        <YourDataSettings signOut={signOut} />
        <button type="button" className="danger-button" onClick={() => void signOut()}>Log out</button>
      </div>
    </>
  );
}
