import { useEffect, useState } from 'react';
import type { ParleyClient, User } from '@parley/client';
import { AuthScreen } from './AuthScreen.js';
import { Messenger } from './Messenger.js';
import { ToastProvider } from './Toasts.js';

/** Signed in: the messenger; otherwise the sign-in screen. */
export function App({ client }: { client: ParleyClient }) {
  const [user, setUser] = useState<User | undefined>(client.session?.user);
  const [notice, setNotice] = useState<string>();
  useEffect(
    () => client.on('session.ended', (why) => {
      setNotice(why.revoked ? 'You were signed out on this device. Sign in again.' : 'Your session ended. Sign in again.');
      setUser(undefined);
    }),
    [client],
  );
  return (
    <ToastProvider>
      {user ? (
        <Messenger key={user.id} client={client} me={user} onSignedOut={() => (setNotice(undefined), setUser(undefined))} />
      ) : (
        <AuthScreen client={client} notice={notice} onSignedIn={(u) => (setNotice(undefined), setUser(u))} />
      )}
    </ToastProvider>
  );
}
