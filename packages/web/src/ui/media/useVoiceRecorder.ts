import { useCallback, useEffect, useRef, useState } from 'react';

export type Recording = { state: 'idle' } | { state: 'recording'; startedAt: number } | { state: 'failed'; error: string };

/** Opus in WebM where the browser has it (Chromium, Firefox); else whatever MediaRecorder picks. */
function mimeType(): string | undefined {
  return ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/mp4'].find((t) => MediaRecorder.isTypeSupported(t));
}

/** MediaRecorder on the microphone: `start`, then `stop` (resolves with the note) or `cancel`. */
export function useVoiceRecorder() {
  const [recording, setRecording] = useState<Recording>({ state: 'idle' });
  const recorder = useRef<MediaRecorder>(undefined);
  const chunks = useRef<Blob[]>([]);

  const release = useCallback(() => {
    recorder.current?.stream.getTracks().forEach((t) => t.stop());
    recorder.current = undefined;
  }, []);
  useEffect(() => release, [release]);

  const start = useCallback(async () => {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const type = mimeType();
      const rec = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
      recorder.current = rec;
      chunks.current = [];
      rec.ondataavailable = (e) => void (e.data.size > 0 && chunks.current.push(e.data));
      rec.start(250);
      setRecording({ state: 'recording', startedAt: Date.now() });
    } catch (err) {
      release();
      const denied = err instanceof DOMException && err.name === 'NotAllowedError';
      setRecording({ state: 'failed', error: denied ? 'Microphone access was denied.' : 'No microphone could be used.' });
    }
  }, [release]);

  const stop = useCallback((): Promise<Blob | undefined> => {
    const rec = recorder.current;
    if (!rec) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      rec.onstop = () => {
        release();
        setRecording({ state: 'idle' });
        resolve(new Blob(chunks.current, { type: rec.mimeType || 'audio/webm' }));
      };
      rec.requestData();
      rec.stop();
    });
  }, [release]);

  const cancel = useCallback(() => {
    const rec = recorder.current;
    if (rec && rec.state !== 'inactive') rec.stop();
    release();
    setRecording({ state: 'idle' });
  }, [release]);

  return { recording, start, stop, cancel, clearError: () => setRecording({ state: 'idle' }) };
}
