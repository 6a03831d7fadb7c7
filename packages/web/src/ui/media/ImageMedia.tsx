import { useState } from 'react';
import type { MediaFile } from '@parley/protocol';
import { Modal } from '../Modal.js';
import { useFreshMedia } from './useFreshMedia.js';

const MAX_WIDTH = 280;

/**
 * The blurred `preview` (inlined in the message, no request) at once, the thumbnail over it
 * once loaded; a click opens the full image in a dialog.
 */
export function ImageMedia({ media: given, caption }: { media: MediaFile; caption: string }) {
  const { media, version, refresh } = useFreshMedia(given);
  const [loaded, setLoaded] = useState(false);
  const [open, setOpen] = useState(false);
  const width = media.thumbWidth ?? media.width ?? MAX_WIDTH;
  const height = media.thumbHeight ?? media.height ?? MAX_WIDTH;
  const label = caption ? `Open image: ${caption}` : `Open image${media.name ? ` ${media.name}` : ''}`;
  return (
    <>
      <button type="button" className="media-image" onClick={() => setOpen(true)} aria-label={label}
        style={{ aspectRatio: `${width} / ${height}`, width: Math.min(MAX_WIDTH, width) }}>
        {media.preview && <img className="media-preview" src={media.preview} alt="" aria-hidden="true" />}
        <img
          key={version}
          className={`media-thumb ${loaded ? 'loaded' : ''}`}
          data-testid="media-thumb"
          src={media.thumbUrl ?? media.url}
          alt={caption || media.name || 'Image'}
          onLoad={() => setLoaded(true)}
          onError={refresh}
        />
      </button>
      {open && (
        <Modal title={media.name ?? 'Image'} onClose={() => setOpen(false)}>
          <figure className="media-full">
            <img src={media.url} alt={caption || media.name || 'Image'} onError={refresh} data-testid="media-full" />
            {caption && <figcaption>{caption}</figcaption>}
          </figure>
          <a className="link-button" href={media.url} download={media.name ?? true} target="_blank" rel="noopener noreferrer">Download original</a>
        </Modal>
      )}
    </>
  );
}
