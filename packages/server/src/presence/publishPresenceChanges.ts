import type { Presence as PresenceView } from '@parley/protocol';
import type { Bus, FrameEvent } from '../bus/Bus.js';
import type { Db } from '../store/Store.js';
import { loadAudiences } from './presenceAudience.js';
import { presentPresence, samePresence, type PresenceState, type Relation } from './presentPresence.js';

/** One user's presence before and after a change that is already stored. */
export interface PresenceChange {
  userId: string;
  before: PresenceState;
  after: PresenceState;
}

/**
 * After changes are stored: every kind of viewer whose view of a user changed gets one frame,
 * the same for all of that kind. Viewers whose view did not change get nothing, so a user hidden
 * by privacy or invisibility leaks no timing. A fixed number of queries however many users and
 * viewers, and one publish.
 */
export async function publishPresenceChanges(db: Db, bus: Bus, changes: PresenceChange[]): Promise<void> {
  const views = changes.map(({ userId, before, after }) => {
    const changedFor = (relation: Relation): PresenceView | undefined => {
      const now = presentPresence(userId, after, relation);
      return samePresence(presentPresence(userId, before, relation), now) ? undefined : now;
    };
    return { userId, self: changedFor('self'), contact: changedFor('contact'), peer: changedFor('peer') };
  });
  const audiences = await loadAudiences(db, views.filter((v) => v.contact || v.peer).map((v) => v.userId));

  const events: FrameEvent[] = [];
  const push = (userIds: string[], presence: PresenceView) => {
    if (userIds.length > 0) events.push({ kind: 'frame', userIds, frame: { type: 'presence', ...presence } });
  };
  for (const { userId, self, contact, peer } of views) {
    // The user's own devices learn the status they chose, invisible included.
    if (self) push([userId], self);
    const audience = audiences.get(userId);
    if (!audience) continue;
    if (contact && peer && samePresence(contact, peer)) {
      push([...audience.contacts, ...audience.peers], contact);
    } else {
      if (contact) push(audience.contacts, contact);
      if (peer) push(audience.peers, peer);
    }
  }
  bus.publish(events);
}
