import type { Location, MessageType } from '@parley/protocol';
import { formatDuration } from './formatMedia.js';

interface Previewable {
  type: MessageType;
  content: string;
  media?: { id: string; name?: string; durationMs?: number };
  location?: Location;
}

/** One line for a chat list or a reply quote: "📷 Photo: caption", "🎤 Voice note (0:07)", "📍 Eiffel Tower". */
export function previewText(m: Previewable): string {
  const caption = m.content.trim();
  const withCaption = (label: string) => (caption ? `${label}: ${caption}` : label);
  switch (m.type) {
    case 'image': return withCaption('📷 Photo');
    case 'video': return withCaption('🎥 Video');
    case 'audio': return withCaption(`🎤 Voice note${m.media?.durationMs !== undefined ? ` (${formatDuration(m.media.durationMs)})` : ''}`);
    case 'file': return withCaption(`📄 ${m.media?.name ?? 'File'}`);
    case 'location': return withCaption(`📍 ${m.location?.name ?? 'Location'}`);
    default: return m.content;
  }
}
