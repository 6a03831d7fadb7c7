import type { MouseEvent } from 'react';
import type { MediaFile } from '@parley/protocol';
import { useStore } from '../../state/useApp.js';
import { formatBytes } from './formatMedia.js';
import { useFreshMedia } from './useFreshMedia.js';

/** Name, size and a download link; an expired link is renewed before the download starts. */
export function FileCard({ media: given }: { media: MediaFile }) {
  const store = useStore();
  const { media } = useFreshMedia(given);
  const name = media.name ?? 'File';
  const download = (e: MouseEvent<HTMLAnchorElement>) => {
    if (Date.parse(media.urlExpiresAt) > Date.now() + 5_000) return;
    e.preventDefault();
    void store.client.media(media.id).then((fresh) => {
      const link = Object.assign(document.createElement('a'), { href: fresh.url, download: name });
      link.click();
    }, () => {});
  };
  return (
    <div className="media-file">
      <span className="media-file-icon" aria-hidden="true">{extensionOf(name)}</span>
      <span className="media-file-text">
        <span className="media-file-name">{name}</span>
        <span className="media-file-size muted">{formatBytes(media.size)}</span>
      </span>
      <a className="link-button" href={media.url} download={name} onClick={download} aria-label={`Download ${name}`}>Download</a>
    </div>
  );
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 && name.length - dot <= 5 ? name.slice(dot + 1).toUpperCase() : 'FILE';
}
