import { useEffect, useState } from 'react';
import { useApp } from '../state/useApp.js';
import { IconOffline } from './icons.js';

/** A reconnect shorter than this is not worth a banner. */
const CONNECTING_GRACE_MS = 1500;

/** Says when messages cannot go out, and that they will once the link is back. */
export function OfflineBanner() {
  const online = useApp((s) => s.online);
  const ready = useApp((s) => s.connection === 'ready');
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    setSlow(false);
    if (ready) return;
    const timer = setTimeout(() => setSlow(true), CONNECTING_GRACE_MS);
    return () => clearTimeout(timer);
  }, [ready]);
  if (online && (ready || !slow)) return null;
  return (
    <div className={`banner ${online ? 'banner-connecting' : 'banner-offline'}`} role="status" aria-live="polite" data-testid="connection-banner">
      {!online && <IconOffline width={16} height={16} />}
      <span>{online ? 'Connecting…' : 'You’re offline. Messages you write are kept and sent when you’re back online.'}</span>
    </div>
  );
}
