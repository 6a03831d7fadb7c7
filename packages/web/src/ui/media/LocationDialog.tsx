import { useEffect, useState, type FormEvent } from 'react';
import type { Chat, Message } from '@parley/client';
import { LIMITS } from '@parley/protocol';
import { useStore } from '../../state/useApp.js';
import { Modal } from '../Modal.js';
import { formatCoordinates } from './formatMedia.js';

interface LocationDialogProps {
  chat: Chat;
  replyTo?: Message;
  close(): void;
  sent(): void;
}

/** Asks the browser where the user is, then sends it with an optional name. */
export function LocationDialog({ chat, replyTo, close, sent }: LocationDialogProps) {
  const store = useStore();
  const [position, setPosition] = useState<{ lat: number; lng: number }>();
  const [error, setError] = useState<string>();
  const [name, setName] = useState('');

  useEffect(() => {
    if (!('geolocation' in navigator)) return setError('This browser cannot tell where you are.');
    let live = true;
    navigator.geolocation.getCurrentPosition(
      (p) => live && setPosition({ lat: p.coords.latitude, lng: p.coords.longitude }),
      (err) => live && setError(err.code === err.PERMISSION_DENIED ? 'Location access was denied. Allow it in the browser to share where you are.' : 'Your location could not be found.'),
      { enableHighAccuracy: true, timeout: 15_000 },
    );
    return () => void (live = false);
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    e.stopPropagation(); // React bubbles through the portal to the composer's form
    if (!position) return;
    const location = { ...position, ...(name.trim() ? { name: name.trim() } : {}) };
    store.send(chat.id, { type: 'location', content: '', location }, replyTo?.id);
    sent();
    close();
  };

  return (
    <Modal title="Share location" onClose={close}>
      <form className="stack" onSubmit={submit}>
        {error ? (
          <p className="form-error" role="alert">{error}</p>
        ) : (
          <p aria-live="polite">{position ? <>You are at <strong>{formatCoordinates(position.lat, position.lng)}</strong></> : 'Finding your location…'}</p>
        )}
        <label>
          Name <span className="hint muted">(optional)</span>
          <input value={name} maxLength={LIMITS.locationNameMax} onChange={(e) => setName(e.target.value)} placeholder="e.g. Café Central" />
        </label>
        <button type="submit" className="primary" disabled={!position}>Send location</button>
      </form>
    </Modal>
  );
}
