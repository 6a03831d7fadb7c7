import type { ParleyClient } from '@parley/client';

/**
 * Follows what the browser says about the network: offline drops the link at once (rather than
 * waiting for a heartbeat to time out) and online connects at once (rather than waiting out the
 * backoff). Whatever was written meanwhile waits in the SDK's outbox.
 */
export function keepLinked(client: ParleyClient, changed: (online: boolean) => void): () => void {
  const connect = () => void client.connect().catch(() => {}); // session.ended says why, if it matters
  const online = () => {
    changed(true);
    if (client.state === 'reconnecting') void client.close().then(connect);
    else connect();
  };
  const offline = () => {
    changed(false);
    void client.close();
  };
  window.addEventListener('online', online);
  window.addEventListener('offline', offline);
  if (navigator.onLine) connect();
  return () => {
    window.removeEventListener('online', online);
    window.removeEventListener('offline', offline);
    void client.close();
  };
}
