import { useState, type FormEvent } from 'react';
import { ParleyError } from '@parley/client';
import { useApp, useStore } from '../state/useApp.js';
import { Modal } from './Modal.js';
import { useShowError } from './Toasts.js';

/** "Your data": download everything the server holds about you, or delete the account. */
export function YourDataSettings({ signOut }: { signOut(): Promise<void> }) {
  const store = useStore();
  const me = useApp((s) => s.me);
  const showError = useShowError();
  const [downloading, setDownloading] = useState(false);
  const [deleting, setDeleting] = useState(false);

  const download = async () => {
    setDownloading(true);
    try {
      const data = await store.client.exportAccount();
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const link = Object.assign(document.createElement('a'), { href: url, download: `parley-export-${me.username}-${data.exportedAt.slice(0, 10)}.json` });
      document.body.append(link);
      link.click();
      link.remove();
      // The download has its own copy once it started; the URL is only needed for the click.
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      showError(err);
    } finally {
      setDownloading(false);
    }
  };

  return (
    <section className="stack card" aria-labelledby="your-data-heading">
      <h2 id="your-data-heading" className="section-title">Your data</h2>
      <p className="muted">A copy of your profile, contacts, chats, the messages you sent, your reactions and uploads, as one JSON file.</p>
      <button type="button" className="secondary" disabled={downloading} onClick={() => void download()}>
        {downloading ? 'Preparing…' : 'Download my data'}
      </button>
      <button type="button" className="danger-button" onClick={() => setDeleting(true)}>Delete account…</button>
      {deleting && <DeleteAccountDialog close={() => setDeleting(false)} signOut={signOut} />}
    </section>
  );
}

function DeleteAccountDialog({ close, signOut }: { close(): void; signOut(): Promise<void> }) {
  const store = useStore();
  const [password, setPassword] = useState('');
  const [deleteMessages, setDeleteMessages] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await store.client.deleteAccount(password, { deleteMessages });
    } catch (err) {
      setBusy(false);
      setError(err instanceof ParleyError && err.code === 'unauthorized' ? 'That password is not right.' : err instanceof Error ? err.message : String(err));
      return;
    }
    // The session is already over; this clears what the device kept and shows the sign-in screen.
    await signOut();
  };

  const footer = (
    <>
      <button type="button" className="secondary" onClick={close}>Cancel</button>
      <button type="submit" form="delete-account-form" className="danger-button" disabled={busy || !password}>
        {busy ? 'Deleting…' : 'Delete my account'}
      </button>
    </>
  );
  return (
    <Modal title="Delete account" onClose={close} footer={footer}>
      <form id="delete-account-form" className="stack" onSubmit={(e) => void submit(e)}>
        <p role="note">
          This cannot be undone. You leave every group, your contacts and devices are removed, and others
          see you as “Deleted account”. Your messages stay in their chats unless you choose below.
        </p>
        <label className="stack">
          Password
          <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} autoFocus required />
        </label>
        <label className="row-label">
          <input type="checkbox" checked={deleteMessages} onChange={(e) => setDeleteMessages(e.target.checked)} />
          Also delete the messages I sent
        </label>
        {error && <p className="form-error" role="alert">{error}</p>}
      </form>
    </Modal>
  );
}
