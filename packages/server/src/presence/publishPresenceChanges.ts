import type { Presence as PresenceView } from '@parley/protocol';
import type { Bus, FrameEvent } from '../bus/Bus.js';
import type { Db } from '../store/Store.js';
import { loadAudience } from './presenceAudience.js';
import { presentPresence, samePresence, type PresenceState, type Relation } from './presentPresence.js';

/**
 * After a change is stored: every kind of viewer whose view of the user changed gets one frame,
 * the same for all of that kind. Viewers whose view did not change get nothing, so a user hidden
 * by privacy or invisibility leaks no timing. A fixed number of queries, however many viewers.
 */
export async function publishPresenceChange(db: Db, bus: Bus, userId: string, before: PresenceState, after: PresenceState): Promise<void> {
  const changedFor = (relation: Relation): PresenceView | undefined => {
    const now = presentPresence(userId, after, relation);
    return samePresence(presentPresence(userId, before, relation), now) ? undefined : now;
  };
  const events: FrameEvent[] = [];
  const push = (userIds: string[], presence: PresenceView) => {
    if (userIds.length > 0) events.push({ kind: 'frame', userIds, frame: { type: 'presence', ...presence } });
  };

  // The user's own devices learn the status they chose, invisible included.
  const forSelf = changedFor('self');
  if (forSelf) push([userId], forSelf);
  const forContacts = changedFor('contact');
  const forPeers = changedFor('peer');
  if (forContacts || forPeers) {
    const audience = await loadAudience(db, userId);
    if (forContacts && forPeers && samePresence(forContacts, forPeers)) {
      push([...audience.contacts, ...audience.peers], forContacts);
    } else {
      if (forContacts) push(audience.contacts, forContacts);
      if (forPeers) push(audience.peers, forPeers);
    }
  }
  bus.publish(events);
}
