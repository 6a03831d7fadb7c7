import { useState, type FormEvent } from 'react';
import type { ParleyClient, User } from '@parley/client';
import { LIMITS } from '@parley/protocol';
import { deviceName } from '../session/createClient.js';
import { describeError } from './Toasts.js';

interface AuthScreenProps {
  client: ParleyClient;
  onSignedIn(user: User): void;
  /** Why the user is here again (session ended elsewhere). */
  notice?: string;
}

/** Sign in or create an account; the session is then kept in this browser until logout. */
export function AuthScreen({ client, onSignedIn, notice }: AuthScreenProps) {
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const registering = mode === 'register';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const name = username.trim().toLowerCase();
      const session = registering
        ? await client.register(name, password, displayName.trim() || undefined, deviceName())
        : await client.login(name, password, deviceName());
      onSignedIn(session.user);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="auth">
      <div className="auth-card">
        <div className="auth-brand">
          <img src="/favicon.svg" alt="" width="48" height="48" />
          <h1>Parley</h1>
          <p className="muted">{registering ? 'Create your account' : 'Sign in to keep talking'}</p>
        </div>
        {notice && <p className="auth-notice" role="status">{notice}</p>}
        <div className="segmented" role="tablist" aria-label="Account">
          <button type="button" role="tab" aria-selected={!registering} onClick={() => setMode('login')}>Sign in</button>
          <button type="button" role="tab" aria-selected={registering} onClick={() => setMode('register')}>Create account</button>
        </div>
        <form onSubmit={submit} className="auth-form">
          <label>
            Username
            <input name="username" autoComplete="username" autoCapitalize="none" spellCheck={false} required
              minLength={registering ? LIMITS.usernameMin : 1} maxLength={LIMITS.usernameMax}
              pattern={registering ? '[a-z0-9_.]+' : undefined} title={registering ? 'Lowercase letters, digits, "_" and "."' : undefined}
              value={username} onChange={(e) => setUsername(e.target.value)} />
          </label>
          {registering && (
            <label>
              Display name <span className="muted">(optional)</span>
              <input name="displayName" autoComplete="name" maxLength={LIMITS.displayNameMax} value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
            </label>
          )}
          <label>
            Password
            <input name="password" type="password" autoComplete={registering ? 'new-password' : 'current-password'} required
              minLength={registering ? LIMITS.passwordMin : 1} maxLength={LIMITS.passwordMax}
              value={password} onChange={(e) => setPassword(e.target.value)} />
            {registering && <span className="hint">At least {LIMITS.passwordMin} characters.</span>}
          </label>
          {error && <p className="form-error" role="alert">{error}</p>}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'One moment…' : registering ? 'Create account' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}
