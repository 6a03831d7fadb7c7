import { useState } from 'react';
import type { Chat } from '@parley/client';
import { useStore } from '../state/useApp.js';
import { IconBellOff } from './icons.js';
import { isMuted, MUTE_CHOICES, mutedLabel } from './mute.js';
import { useShowError } from './Toasts.js';

/**
 * Mute a chat's pushes for this user (on all their devices): the SDK puts the changed chat in
 * the store at once, and a `chat` frame brings it to the user's other devices.
 */
export function MuteControl({ chat }: { chat: Chat }) {
  const store = useStore();
  const showError = useShowError();
  const [busy, setBusy] = useState(false);
  const act = async (call: () => Promise<Chat>) => {
    setBusy(true);
    try {
      await call();
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };

  if (isMuted(chat)) {
    return (
      <section className="mute card" aria-labelledby="mute-heading">
        <h3 id="mute-heading" className="mute-state"><IconBellOff /> {mutedLabel(chat)}</h3>
        <button type="button" className="secondary small" disabled={busy} onClick={() => void act(() => store.client.unmuteChat(chat.id))}>Unmute</button>
      </section>
    );
  }
  return (
    <section className="mute card" aria-labelledby="mute-heading">
      <h3 id="mute-heading">Mute notifications</h3>
      <div className="button-row" role="group" aria-labelledby="mute-heading">
        {MUTE_CHOICES.map((choice) => (
          <button key={choice.label} type="button" className="secondary small" disabled={busy}
            onClick={() => void act(() => store.client.muteChat(chat.id, choice.until()))}>
            {choice.label}
          </button>
        ))}
      </div>
    </section>
  );
}
