import type { Presence, PresenceStatus, Privacy, Visibility } from '@parley/protocol';
import { iso } from '../accounts/presentUser.js';

/** How a viewer stands to the user they look at. `peer`: shares a chat but is not an accepted contact. */
export type Relation = 'self' | 'contact' | 'peer' | 'stranger';

/** Everything that decides what anyone sees of one user's presence. */
export interface PresenceState {
  /** Holds a connection, or lost the last one less than the grace period ago. */
  connected: boolean;
  /** `online` unless they chose `away` or invisible (`offline`). */
  chosen: PresenceStatus;
  lastSeen: number | null;
  privacy: Privacy;
}

const allows = (visibility: Visibility, relation: Relation): boolean =>
  relation === 'self' ||
  (visibility === 'everyone' && relation !== 'stranger') ||
  (visibility === 'contacts' && relation === 'contact');

/**
 * The user's presence as one viewer may see it. Someone not allowed to see online status sees
 * `offline`, exactly as if the user were away from every device; an invisible user looks
 * offline to everyone, and to their own devices shows the status they chose.
 */
export function presentPresence(userId: string, state: PresenceState, relation: Relation): Presence {
  let status: PresenceStatus = state.connected ? state.chosen : 'offline';
  if (!allows(state.privacy.online, relation)) status = 'offline';
  const presence: Presence = { userId, status };
  if (status === 'offline' && state.lastSeen !== null && allows(state.privacy.lastSeen, relation)) {
    presence.lastSeen = iso(state.lastSeen);
  }
  return presence;
}

export const samePresence = (a: Presence, b: Presence): boolean => a.status === b.status && a.lastSeen === b.lastSeen;
