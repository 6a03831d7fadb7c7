import { useEffect } from 'react';
import type { ParleyClient } from '@parley/client';
import { resendPush } from '../session/webPush.js';
import { pageAttended } from '../notices/pageAttended.js';

/**
 * What the service worker asks of the app: open the chat of a clicked notification, send a
 * renewed push subscription, and say whether this page is being looked at, by the rule the page
 * uses for its own notices (the worker asks before showing a notice another tab asked for).
 * Also sends the browser's subscription once the link is first up, so this sign-in's device owns
 * it on the server.
 */
export function useServiceWorkerMessages(client: ParleyClient, openChat: (chatId: string) => void): void {
  useEffect(() => {
    let sent = false;
    const resend = () => void resendPush(client).catch(() => {}); // offline or refused: the next start tries again
    const onState = () => {
      if (sent || client.state !== 'ready') return;
      sent = true;
      resend();
    };
    onState();
    const off = client.on('state', onState);
    if (!('serviceWorker' in navigator)) return off;
    const onMessage = (event: MessageEvent) => {
      const data = event.data as { type?: string; chatId?: string } | null;
      if (data?.type === 'parley.openChat' && data.chatId) openChat(data.chatId);
      if (data?.type === 'parley.pushSubscriptionChanged') resend();
      if (data?.type === 'parley.attention') event.ports[0]?.postMessage({ attended: pageAttended() });
    };
    navigator.serviceWorker.addEventListener('message', onMessage);
    return () => (off(), navigator.serviceWorker.removeEventListener('message', onMessage));
  }, [client, openChat]);
}
