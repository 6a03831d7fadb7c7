import { useEffect, useState } from 'react';
import type { Chat, Message } from '@parley/client';
import { useStore } from '../../state/useApp.js';
import { IconClose } from '../icons.js';
import { useShowError } from '../Toasts.js';
import { formatDuration } from './formatMedia.js';
import { IconMic, IconStop } from './mediaIcons.js';
import { rememberUpload } from './sentMedia.js';
import { describeUploadError } from './uploadErrors.js';
import { useVoiceRecorder } from './useVoiceRecorder.js';

interface VoiceNoteButtonProps {
  chat: Chat;
  replyTo?: Message;
  sent(): void;
}

/** Record → stop sends it (upload, then an `audio` message); cancel drops it. */
export function VoiceNoteButton({ chat, replyTo, sent }: VoiceNoteButtonProps) {
  const store = useStore();
  const showError = useShowError();
  const { recording, start, stop, cancel, clearError } = useVoiceRecorder();
  const [uploading, setUploading] = useState<number>();
  const elapsed = useElapsed(recording.state === 'recording' ? recording.startedAt : undefined);

  useEffect(() => {
    if (recording.state === 'failed') (showError(new Error(recording.error)), clearError());
  }, [recording, showError, clearError]);

  const finish = async () => {
    const note = await stop();
    if (!note || note.size === 0) return;
    setUploading(0);
    try {
      const media = await store.client.uploadMedia(note, `voice-note-${new Date().toISOString().replace(/[:.]/g, '-')}.webm`, { onProgress: setUploading });
      rememberUpload(media);
      store.send(chat.id, { type: 'audio', content: '', media: { id: media.id } }, replyTo?.id);
      sent();
    } catch (err) {
      showError(new Error(describeUploadError(err, note.size)));
    } finally {
      setUploading(undefined);
    }
  };

  if (uploading !== undefined) {
    return <span className="voice-status muted" role="status">Sending voice note… {Math.round(uploading * 100)}%</span>;
  }
  if (recording.state === 'recording') {
    return (
      <span className="voice-recording" role="group" aria-label="Recording a voice note">
        <span className="voice-dot" aria-hidden="true" />
        <span className="voice-time" role="timer" aria-live="off">{formatDuration(elapsed)}</span>
        <button type="button" className="icon-button small" onClick={cancel} aria-label="Cancel recording" title="Cancel recording">
          <IconClose width={16} height={16} />
        </button>
        <button type="button" className="icon-button accent" onClick={() => void finish()} aria-label="Send voice note" title="Send voice note">
          <IconStop />
        </button>
      </span>
    );
  }
  return (
    <button type="button" className="icon-button" onClick={() => void start()} aria-label="Record voice note" title="Record voice note">
      <IconMic />
    </button>
  );
}

function useElapsed(since: number | undefined): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (since === undefined) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [since]);
  return since === undefined ? 0 : Math.max(0, now - since);
}
