import type { ParleyClient, PushSubscriptionBody } from '@parley/client';

// Web Push for this browser (docs/notifications.md): the permission, the browser's subscription
// with the push service, and sending it to the server as this device's.

export type PushState = 'unsupported' | 'blocked' | 'off' | 'on';

const PREVIEWS_KEY = 'parley.pushPreviews';
/** A push service that never answers (no network to it) must not leave the switch spinning. */
const SUBSCRIBE_TIMEOUT_MS = 30_000;

/** Push needs a service worker (only registered in production builds), the Push API and notifications. */
export function pushSupported(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window && import.meta.env.PROD;
}

async function registration(): Promise<ServiceWorkerRegistration> {
  return navigator.serviceWorker.ready;
}

export async function pushState(): Promise<PushState> {
  if (!pushSupported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'blocked';
  if (Notification.permission !== 'granted') return 'off';
  return (await (await registration()).pushManager.getSubscription()) ? 'on' : 'off';
}

/** Whether pushes carry the message text: a choice of this browser, sent with its subscription. */
export function pushPreviews(): boolean {
  return localStorage.getItem(PREVIEWS_KEY) !== 'false';
}

export function setPushPreviews(previews: boolean): void {
  localStorage.setItem(PREVIEWS_KEY, String(previews));
}

/**
 * Asks for permission, subscribes with the server's key and registers the subscription. Throws
 * with a reason to show; a subscription the server refused is dropped again, so nothing is half on.
 */
export async function enablePush(client: ParleyClient): Promise<PushState> {
  const permission = await Notification.requestPermission();
  if (permission === 'denied') return 'blocked';
  if (permission !== 'granted') return 'off';
  const { publicKey } = await client.pushConfig();
  const reg = await registration();
  const subscription = await withTimeout(reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlBytes(publicKey) })).catch((err: unknown) => {
    // Chromium's "Registration failed - permission denied" comes with permission granted, in private windows.
    if (!(err instanceof DOMException)) throw err;
    throw new Error(`${err.message}. The browser’s push service refused (private windows get no notifications).`);
  });
  try {
    await client.setPushSubscription(subscriptionInput(subscription));
  } catch (err) {
    await subscription.unsubscribe().catch(() => {});
    throw err;
  }
  return 'on';
}

/** Tells the server first: a failure there leaves everything as it was. */
export async function disablePush(client: ParleyClient): Promise<PushState> {
  await client.removePushSubscription();
  await (await (await registration()).pushManager.getSubscription())?.unsubscribe();
  return 'off';
}

/**
 * Sends the browser's subscription again, if it has one: at every start (the server keeps one
 * per device, and a new sign-in on this browser is a new device that must take it over), after
 * the worker resubscribed, and when the previews choice changes.
 */
export async function resendPush(client: ParleyClient): Promise<void> {
  if (!pushSupported() || Notification.permission !== 'granted') return;
  const subscription = await (await registration()).pushManager.getSubscription();
  if (subscription) await client.setPushSubscription(subscriptionInput(subscription));
}

/**
 * On sign-out the browser lets go of its subscription too: otherwise the next person to sign in
 * here would be re-sent it at start and get pushes without ever turning them on.
 */
export async function forgetPush(): Promise<void> {
  if (!pushSupported()) return;
  const reg = await navigator.serviceWorker.getRegistration();
  await (await reg?.pushManager.getSubscription())?.unsubscribe();
}

function subscriptionInput(subscription: PushSubscription): PushSubscriptionBody {
  const json = subscription.toJSON();
  if (!json.endpoint || !json.keys?.p256dh || !json.keys.auth) throw new Error('The browser gave a push subscription without keys.');
  return { endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth }, previews: pushPreviews() };
}

function base64UrlBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('The browser’s push service did not answer.')), SUBSCRIBE_TIMEOUT_MS);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
