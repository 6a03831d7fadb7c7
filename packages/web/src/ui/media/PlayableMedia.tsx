import { useState } from 'react';
import type { MediaFile } from '@parley/protocol';
import { formatDuration } from './formatMedia.js';
import { useFreshMedia } from './useFreshMedia.js';

const MAX_VIDEO_WIDTH = 320;

export function VideoMedia({ media: given, caption }: { media: MediaFile; caption: string }) {
  const { media, version, refresh } = useFreshMedia(given);
  // The box has its final shape before anything loads, so the message list does not jump.
  const width = media.width ?? media.thumbWidth ?? 320;
  const height = media.height ?? media.thumbHeight ?? 180;
  return (
    <div className="media-video" style={{ width: Math.min(MAX_VIDEO_WIDTH, width) }}>
      <video key={version} controls preload="metadata" playsInline poster={media.thumbUrl ?? media.preview} src={media.url} onError={refresh}
        aria-label={caption ? `Video: ${caption}` : 'Video'} style={{ aspectRatio: `${width} / ${height}` }} />
      {media.durationMs !== undefined && <span className="media-duration">{formatDuration(media.durationMs)}</span>}
    </div>
  );
}

/** A voice note or other sound. A browser-recorded WebM often has no duration in its header: the server's wins. */
export function AudioMedia({ media: given }: { media: MediaFile }) {
  const { media, version, refresh } = useFreshMedia(given);
  const [seconds, setSeconds] = useState<number>();
  const measure = (audio: HTMLAudioElement) => {
    if (Number.isFinite(audio.duration)) {
      if (audio.currentTime > audio.duration) audio.currentTime = 0;
      return setSeconds(audio.duration);
    }
    // MediaRecorder's WebM has no duration in its header: seeking far past the end makes the
    // browser scan the file and fire durationchange with the real one.
    if (audio.duration === Infinity && media.durationMs === undefined) audio.currentTime = 1e7;
  };
  const duration = media.durationMs ?? (seconds !== undefined && Number.isFinite(seconds) ? seconds * 1000 : undefined);
  return (
    <div className="media-audio">
      <audio key={version} controls preload="metadata" src={media.url} onError={refresh} aria-label="Voice note"
        onLoadedMetadata={(e) => measure(e.currentTarget)} onDurationChange={(e) => measure(e.currentTarget)} />
      <span className="media-duration" data-testid="audio-duration">{duration !== undefined ? formatDuration(duration) : ''}</span>
    </div>
  );
}
