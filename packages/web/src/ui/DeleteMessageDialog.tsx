import { useState } from 'react';
import type { Message } from '@parley/client';
import { useStore } from '../state/useApp.js';
import { Modal } from './Modal.js';
import { useShowError } from './Toasts.js';

interface DeleteMessageDialogProps {
  message: Message;
  /** Own message, or the user is a group admin: the server lets them delete it for everyone. */
  forEveryone: boolean;
  close(): void;
}

/** "For everyone" leaves a tombstone in every member's chat; "for me" hides it on this user's devices. */
export function DeleteMessageDialog({ message, forEveryone, close }: DeleteMessageDialogProps) {
  const store = useStore();
  const showError = useShowError();
  const [busy, setBusy] = useState(false);

  const remove = async (scope: 'everyone' | 'me') => {
    setBusy(true);
    try {
      await store.deleteMessage(message.chatId, message.id, scope);
      close();
    } catch (err) {
      showError(err);
      setBusy(false);
    }
  };

  return (
    <Modal title="Delete message?" onClose={close}>
      <p className="muted">
        {forEveryone ? 'Delete it for everyone in the chat, or only hide it on your devices.' : 'It will be hidden on your devices; others still see it.'}
      </p>
      <div className="dialog-actions">
        {forEveryone && (
          <button type="button" className="danger-button" onClick={() => void remove('everyone')} disabled={busy}>Delete for everyone</button>
        )}
        <button type="button" className="danger-button" onClick={() => void remove('me')} disabled={busy}>Delete for me</button>
        <button type="button" className="secondary" onClick={close} disabled={busy}>Cancel</button>
      </div>
    </Modal>
  );
}
