import type { ParleyClient, PushSubscriptionBody } from '@parley/client';
import { chooseNotifications, notificationsChosen, pushPreviews } from './notificationChoices.js';

// Web Push for this browser (docs/notifications.md): the browser's subscription with its push
// service, and sending it to the server as this device's. The switch itself is notificationSwitch.

/** A push service that never answers (no network to it) must not leave the switch spinning. */
const SUBSCRIBE_TIMEOUT_MS = 30_000;

/** Notifications need the service worker (only registered in production builds) and the Notification API. */
export function notificationsSupported(): boolean {
  return 'serviceWorker' in navigator && 'Notification' in window && import.meta.env.PROD;
}

export function pushSupported(): boolean {
  return notificationsSupported() && 'PushManager' in window;
}

export async function currentSubscription(): Promise<PushSubscription | null> {
  if (!pushSupported()) return null;
  return (await navigator.serviceWorker.ready).pushManager.getSubscription();
}

/**
 * Subscribes with the server's key and registers the subscription. Throws with a reason to show;
 * a subscription the server refused is dropped again, so nothing is half on.
 */
export async function subscribePush(client: ParleyClient): Promise<void> {
  if (!pushSupported()) throw new Error('This browser has no Web Push.');
  const { publicKey } = await client.pushConfig();
  const reg = await navigator.serviceWorker.ready;
  const subscription = await withTimeout(reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlBytes(publicKey) })).catch((err: unknown) => {
    // Chromium's "Registration failed - permission denied" comes with permission granted, in private windows.
    if (!(err instanceof DOMException)) throw err;
    throw new Error(`${err.message}. The browser’s push service refused (private windows have none).`);
  });
  try {
    await client.setPushSubscription(subscriptionInput(subscription));
  } catch (err) {
    await subscription.unsubscribe().catch(() => {});
    throw err;
  }
}

/** Tells the server first: a failure there leaves everything as it was. */
export async function unsubscribePush(client: ParleyClient): Promise<void> {
  await client.removePushSubscription();
  await (await currentSubscription())?.unsubscribe();
}

/**
 * Sends the browser's subscription again, if it has one and notifications were not turned off: at
 * every start (the server keeps one per device, and a new sign-in on this browser is a new device
 * that must take it over), after the worker resubscribed, and when the previews choice changes.
 */
export async function resendPush(client: ParleyClient): Promise<void> {
  if (!pushSupported() || Notification.permission !== 'granted' || notificationsChosen() === false) return;
  const subscription = await currentSubscription();
  if (!subscription) return;
  // Turned on before the choice was kept, when a subscription was what "on" meant.
  if (notificationsChosen() === undefined) chooseNotifications(true);
  await client.setPushSubscription(subscriptionInput(subscription));
}

/** Lets go of the browser's subscription, whatever the server holds (it dropped it with the session). */
export async function dropBrowserSubscription(): Promise<void> {
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
