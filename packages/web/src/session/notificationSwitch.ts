import type { ParleyClient } from '@parley/client';
import { chooseNotifications, notificationsChosen, setPushUnavailableReason } from './notificationChoices.js';
import { currentSubscription, dropBrowserSubscription, notificationsSupported, subscribePush, unsubscribePush } from './webPush.js';

// "Notifications on this device" (docs/notifications.md): the user's choice for this browser plus
// the browser's permission. Pushes (while Parley is closed) come on top when the browser can
// subscribe with its push service; notices while Parley is open in the background do not need them.

/** `open`: on, but only while Parley is open (the browser could not subscribe for pushes). */
export type NotificationState = 'unsupported' | 'blocked' | 'off' | 'open' | 'on';

/** Read at every notice: cheap and synchronous. */
export function notificationsOn(): boolean {
  return notificationsSupported() && Notification.permission === 'granted' && notificationsChosen() === true;
}

export async function notificationState(): Promise<NotificationState> {
  if (!notificationsSupported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'blocked';
  if (Notification.permission !== 'granted') return 'off';
  const subscription = await currentSubscription();
  // Turned on before the choice was kept, when a subscription was what "on" meant.
  const chosen = notificationsChosen() ?? subscription !== null;
  if (!chosen) return 'off';
  return subscription ? 'on' : 'open';
}

/**
 * Asks for permission, records the choice, then tries to subscribe for pushes. A push service
 * that refuses or cannot be reached (a LAN with no internet, a private window) leaves
 * notifications on while Parley is open, with the browser's reason kept to show.
 */
export async function turnNotificationsOn(client: ParleyClient, describe: (err: unknown) => string): Promise<NotificationState> {
  const permission = await Notification.requestPermission();
  if (permission === 'denied') return 'blocked';
  if (permission !== 'granted') return 'off';
  chooseNotifications(true);
  try {
    await subscribePush(client);
    setPushUnavailableReason(undefined);
    return 'on';
  } catch (err) {
    setPushUnavailableReason(describe(err));
    return 'open';
  }
}

/** The server drops the subscription first: a failure there leaves everything as it was. */
export async function turnNotificationsOff(client: ParleyClient): Promise<NotificationState> {
  await unsubscribePush(client);
  chooseNotifications(false);
  setPushUnavailableReason(undefined);
  return 'off';
}

/**
 * On sign-out the browser forgets the choice and lets go of its subscription: otherwise the next
 * person to sign in here would get notifications without ever turning them on.
 */
export async function forgetNotifications(): Promise<void> {
  chooseNotifications(undefined);
  setPushUnavailableReason(undefined);
  await dropBrowserSubscription();
}
