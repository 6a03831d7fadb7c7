import type { Location } from '@parley/protocol';
import { formatCoordinates, openStreetMapUrl } from './formatMedia.js';

/** A map-less card: no tiles are fetched from a third party until the user follows the link. */
export function LocationCard({ location }: { location: Location }) {
  const { lat, lng, name } = location;
  return (
    <div className="media-location" data-testid="location-card">
      <span className="media-location-pin" aria-hidden="true">📍</span>
      <span className="media-location-text">
        {name && <span className="media-location-name">{name}</span>}
        <span className="media-location-coords">{formatCoordinates(lat, lng)}</span>
        <a href={openStreetMapUrl(lat, lng)} target="_blank" rel="noopener noreferrer">Open in OpenStreetMap</a>
      </span>
    </div>
  );
}
