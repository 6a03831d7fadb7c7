import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { Chat, Message } from '@parley/client';
import type { MediaFile, MessageType } from '@parley/protocol';
import { useStore } from '../../state/useApp.js';
import { Modal } from '../Modal.js';
import { formatBytes } from './formatMedia.js';
import { rememberUpload } from './sentMedia.js';
import { describeUploadError } from './uploadErrors.js';

interface AttachDialogProps {
  chat: Chat;
  file: File;
  /** `media`: sent as what the server found it to be (image, video, audio); `file`: always as a file. */
  as: 'media' | 'file';
  replyTo?: Message;
  close(): void;
  sent(): void;
}

/** Uploads the chosen file at once (with progress) while the user writes an optional caption. */
export function AttachDialog({ chat, file, as, replyTo, close, sent }: AttachDialogProps) {
  const store = useStore();
  const [progress, setProgress] = useState(0);
  const [media, setMedia] = useState<MediaFile>();
  const [error, setError] = useState<string>();
  const [caption, setCaption] = useState('');
  const localUrl = useMemo(() => (file.type.startsWith('image/') ? URL.createObjectURL(file) : undefined), [file]);
  useEffect(() => () => void (localUrl && URL.revokeObjectURL(localUrl)), [localUrl]);

  useEffect(() => {
    const abort = new AbortController();
    store.client.uploadMedia(file, file.name, { onProgress: setProgress, signal: abort.signal }).then(setMedia, (err) => {
      if (!abort.signal.aborted) setError(describeUploadError(err, file.size));
    });
    return () => abort.abort();
  }, [store, file]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    e.stopPropagation(); // React bubbles through the portal to the composer's form
    if (!media) return;
    const type: MessageType = as === 'file' || media.kind === 'file' ? 'file' : media.kind;
    rememberUpload(media);
    try {
      store.send(chat.id, { type, content: caption.trim(), media: { id: media.id } }, replyTo?.id);
    } catch (err) {
      setError(describeUploadError(err, file.size));
      return;
    }
    sent();
    close();
  };

  return (
    <Modal title={as === 'file' ? 'Send a file' : 'Send a photo or video'} onClose={close}>
      <form className="stack attach-form" onSubmit={submit}>
        {localUrl ? <img className="attach-preview" src={localUrl} alt={`Preview of ${file.name}`} /> : null}
        <p className="attach-name">
          <span>{file.name}</span> <span className="muted">{formatBytes(file.size)}</span>
        </p>
        {error ? (
          <p className="form-error" role="alert">{error}</p>
        ) : (
          <div className="attach-progress">
            <progress max={1} value={media ? 1 : progress} aria-label="Upload progress" />
            <span className="muted" aria-live="polite">{media ? 'Uploaded' : `Uploading… ${Math.round(progress * 100)}%`}</span>
          </div>
        )}
        <label>
          Caption
          <input value={caption} onChange={(e) => setCaption(e.target.value)} placeholder="Add a caption (optional)" autoFocus />
        </label>
        <button type="submit" className="primary" disabled={!media || error !== undefined}>Send</button>
      </form>
    </Modal>
  );
}
