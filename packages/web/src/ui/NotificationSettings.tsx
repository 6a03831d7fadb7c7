import { useEffect, useState } from 'react';
import { useStore } from '../state/useApp.js';
import { disablePush, enablePush, pushPreviews, pushState, resendPush, setPushPreviews, type PushState } from '../session/webPush.js';
import { describeError } from './Toasts.js';

const NOTES: Record<PushState, string> = {
  unsupported: 'This browser can’t show notifications from Parley.',
  blocked: 'Notifications are blocked for Parley in this browser. To allow them, open the site settings (the icon at the left of the address bar), set Notifications to Allow, then reload the page.',
  off: 'Off: this device shows nothing while Parley is closed.',
  on: 'On: new messages show here while Parley is closed.',
};

/** Web Push for this device: permission, subscription, and whether pushes show the text. */
export function NotificationSettings() {
  const store = useStore();
  const [state, setState] = useState<PushState>();
  const [previews, setPreviews] = useState(pushPreviews);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  useEffect(() => void pushState().then(setState, () => setState('unsupported')), []);

  const toggle = async (on: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      setState(await (on ? enablePush(store.client) : disablePush(store.client)));
    } catch (err) {
      setError(`Couldn’t turn notifications ${on ? 'on' : 'off'}: ${describeError(err)}`);
      setState(await pushState().catch(() => 'off' as const));
    } finally {
      setBusy(false);
    }
  };
  const changePreviews = (next: boolean) => {
    setPushPreviews(next);
    setPreviews(next);
    if (state === 'on') resendPush(store.client).catch((err: unknown) => setError(`Couldn’t save the choice: ${describeError(err)}`));
  };

  const usable = state === 'on' || state === 'off';
  return (
    <fieldset className="stack card" aria-busy={busy || !state}>
      <legend className="section-title">Notifications</legend>
      {usable && (
        <label className="switch-label">
          Notifications on this device
          <input type="checkbox" role="switch" checked={state === 'on'} disabled={busy} onChange={(e) => void toggle(e.target.checked)} />
        </label>
      )}
      <p className={state === 'blocked' ? 'push-note' : 'push-note muted'} data-testid="push-state">{state ? NOTES[state] : 'Loading…'}</p>
      <label className="switch-label">
        Show message text in notifications
        <input type="checkbox" checked={previews} disabled={!usable} onChange={(e) => changePreviews(e.target.checked)} />
      </label>
      {error && <p className="push-error" role="alert">{error}</p>}
    </fieldset>
  );
}
