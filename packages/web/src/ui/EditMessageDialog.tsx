import { useState, type KeyboardEvent } from 'react';
import type { Message } from '@parley/client';
import { useStore } from '../state/useApp.js';
import { Modal } from './Modal.js';
import { useShowError } from './Toasts.js';

interface EditMessageDialogProps {
  message: Message;
  close(): void;
}

/** New text for an own text message; Enter saves, Shift+Enter starts a new line, like the composer. */
export function EditMessageDialog({ message, close }: EditMessageDialogProps) {
  const store = useStore();
  const showError = useShowError();
  const [text, setText] = useState(message.content);
  const [saving, setSaving] = useState(false);
  const content = text.trim();
  const unchanged = content === message.content.trim();

  const save = async () => {
    if (!content || saving) return;
    if (unchanged) return close();
    setSaving(true);
    try {
      await store.editMessage(message.chatId, message.id, content);
      close();
    } catch (err) {
      showError(err);
      setSaving(false);
    }
  };
  const keyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) (e.preventDefault(), void save());
  };

  return (
    <Modal
      title="Edit message"
      onClose={close}
      footer={
        <>
          <button type="button" className="secondary" onClick={close}>Cancel</button>
          <button type="button" className="primary" onClick={() => void save()} disabled={!content || saving}>Save</button>
        </>
      }
    >
      <textarea className="edit-box" aria-label="Message text" value={text} onChange={(e) => setText(e.target.value)} onKeyDown={keyDown} autoFocus />
    </Modal>
  );
}
