import { useEffect, useState } from 'react';
import { useStore } from '../state/useApp.js';
import { pushPreviews, pushUnavailableReason, setPushPreviews } from '../session/notificationChoices.js';
import { notificationState, turnNotificationsOff, turnNotificationsOn, type NotificationState } from '../session/notificationSwitch.js';
import { resendPush } from '../session/webPush.js';
import { describeError } from './Toasts.js';

const NOTES: Record<NotificationState, string> = {
  unsupported: 'This browser can’t show notifications from Parley.',
  blocked: 'Notifications are blocked for Parley in this browser. To allow them, open the site settings (the icon at the left of the address bar), set Notifications to Allow, then reload the page.',
  off: 'Off: this device shows no notifications.',
  open: 'On, but only while Parley is open in a tab or window: new messages show here while you are elsewhere, not once Parley is closed.',
  on: 'On: new messages show here while Parley is in the background or closed.',
};

/** Notifications for this device: the choice and permission, the push subscription, and whether they show the text. */
export function NotificationSettings() {
  const store = useStore();
  const [state, setState] = useState<NotificationState>();
  const [previews, setPreviews] = useState(pushPreviews);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  useEffect(() => void notificationState().then(setState, () => setState('unsupported')), []);

  const toggle = async (on: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      setState(await (on ? turnNotificationsOn(store.client, describeError) : turnNotificationsOff(store.client)));
    } catch (err) {
      setError(`Couldn’t turn notifications ${on ? 'on' : 'off'}: ${describeError(err)}`);
      setState(await notificationState().catch(() => 'off' as const));
    } finally {
      setBusy(false);
    }
  };
  const changePreviews = (next: boolean) => {
    setPushPreviews(next);
    setPreviews(next);
    if (state === 'on') resendPush(store.client).catch((err: unknown) => setError(`Couldn’t save the choice: ${describeError(err)}`));
  };

  const usable = state === 'on' || state === 'open' || state === 'off';
  const reason = state === 'open' ? pushUnavailableReason() : undefined;
  return (
    <fieldset className="stack card" aria-busy={busy || !state}>
      <legend className="section-title">Notifications</legend>
      {usable && (
        <label className="switch-label">
          Notifications on this device
          <input type="checkbox" role="switch" checked={state === 'on' || state === 'open'} disabled={busy} onChange={(e) => void toggle(e.target.checked)} />
        </label>
      )}
      <p className={state === 'blocked' ? 'push-note' : 'push-note muted'} data-testid="push-state">
        {state ? NOTES[state] : 'Loading…'}
        {reason && ` The browser couldn’t subscribe to its push service: ${reason}`}
      </p>
      <label className="switch-label">
        Show message text in notifications
        <input type="checkbox" checked={previews} disabled={!usable} onChange={(e) => changePreviews(e.target.checked)} />
      </label>
      {error && <p className="push-error" role="alert">{error}</p>}
    </fieldset>
  );
}
