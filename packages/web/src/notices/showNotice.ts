import type { MessagePushPayload } from '@parley/protocol';

/**
 * Hands a notice to the service worker, which shows it as it shows a push (serviceWorker.js):
 * one place words it, and one place sees what every tab of the app asks, so a message is shown once.
 * Without a worker (development builds) nothing is shown.
 */
export async function showNotice(push: MessagePushPayload): Promise<void> {
  const worker = navigator.serviceWorker.controller ?? (await navigator.serviceWorker.getRegistration())?.active;
  worker?.postMessage({ type: 'parley.notice', push });
}
