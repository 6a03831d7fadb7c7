// What the user chose about notifications in this browser, kept in localStorage: the browser, not
// the account or the session, is what shows them (docs/notifications.md).

const CHOICE_KEY = 'parley.notifications';
const PREVIEWS_KEY = 'parley.pushPreviews';
const NO_PUSH_KEY = 'parley.pushUnavailable';

/** The switch "Notifications on this device"; undefined when never set (before the choice was kept, or after sign-out). */
export function notificationsChosen(): boolean | undefined {
  const stored = localStorage.getItem(CHOICE_KEY);
  return stored === null ? undefined : stored === 'on';
}

export function chooseNotifications(on: boolean | undefined): void {
  if (on === undefined) localStorage.removeItem(CHOICE_KEY);
  else localStorage.setItem(CHOICE_KEY, on ? 'on' : 'off');
}

/** Whether notifications (pushes and notices alike) carry the message text. */
export function pushPreviews(): boolean {
  return localStorage.getItem(PREVIEWS_KEY) !== 'false';
}

export function setPushPreviews(previews: boolean): void {
  localStorage.setItem(PREVIEWS_KEY, String(previews));
}

/** Why this browser has no push subscription though notifications are on (shown in Settings after a reload too). */
export function pushUnavailableReason(): string | undefined {
  return localStorage.getItem(NO_PUSH_KEY) ?? undefined;
}

export function setPushUnavailableReason(reason: string | undefined): void {
  if (reason === undefined) localStorage.removeItem(NO_PUSH_KEY);
  else localStorage.setItem(NO_PUSH_KEY, reason);
}
