import type { MediaFile } from '@parley/protocol';
import './media.css';
import type { Row } from '../messageRows.js';
import { FileCard } from './FileCard.js';
import { ImageMedia } from './ImageMedia.js';
import { LocationCard } from './LocationCard.js';
import { AudioMedia, VideoMedia } from './PlayableMedia.js';
import { uploadedMedia } from './sentMedia.js';

/** What a message carries besides its text: media, a location, the "Forwarded" mark. */
export function MessageMedia({ row }: { row: Row }) {
  const source = row.message ?? row.local;
  if (!source || row.message?.deletedAt) return null;
  const media: MediaFile | undefined = row.message?.media ?? (source.media ? uploadedMedia(source.media.id) : undefined);
  const forwarded = row.message?.forwarded === true;
  const body = (() => {
    if (source.type === 'location' && source.location) return <LocationCard location={source.location} />;
    if (!media) return source.type === 'text' ? null : <span className="media-pending muted">Sending {source.type}…</span>;
    if (source.type === 'image') return <ImageMedia media={media} caption={row.content} />;
    if (source.type === 'video') return <VideoMedia media={media} caption={row.content} />;
    if (source.type === 'audio') return <AudioMedia media={media} />;
    if (source.type === 'file') return <FileCard media={media} />;
    return null;
  })();
  if (!body && !forwarded) return null;
  return (
    <div className="bubble-media">
      {forwarded && <div className="forwarded muted">Forwarded</div>}
      {body}
    </div>
  );
}
