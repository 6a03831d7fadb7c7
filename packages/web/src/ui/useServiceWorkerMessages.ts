import { useEffect } from 'react';
import type { ParleyClient } from '@parley/client';
import { resendPush } from '../session/webPush.js';

/**
 * What the service worker asks of the app: open the chat of a clicked notification, and send a
 * renewed push subscription. Also sends the browser's subscription once the link is first up,
 * so this sign-in's device owns it on the server.
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
    };
    navigator.serviceWorker.addEventListener('message', onMessage);
    return () => (off(), navigator.serviceWorker.removeEventListener('message', onMessage));
  }, [client, openChat]);
}
