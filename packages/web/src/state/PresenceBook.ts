import { Recency, type ParleyClient, type Presence } from '@parley/client';

/** `GET /presence` takes at most this many ids per call. */
const BATCH = 400;

/**
 * Presence of the people this user sees: fetched for every member of every chat after each
 * connect (presence is live only, nothing replays it), then kept current by `presence` events.
 */
export class PresenceBook {
  private known: Record<string, Presence> = {};
  private readonly recency = new Recency();

  constructor(
    private readonly client: ParleyClient,
    private readonly me: string,
    private readonly changed: (presence: Record<string, Presence>) => void,
  ) {}

  update(p: Presence): void {
    this.recency.heard(p.userId);
    this.known = { ...this.known, [p.userId]: p };
    this.changed(this.known);
  }

  refresh(userIds: string[]): void {
    const ids = userIds.filter((id) => id !== this.me);
    for (let i = 0; i < ids.length; i += BATCH) {
      const batch = ids.slice(i, i + BATCH);
      const asked = this.recency.ask();
      this.client
        .request<{ presence: Presence[] }>('GET', `/presence?userIds=${batch.map(encodeURIComponent).join(',')}`)
        .then(({ presence }) => {
          // The answer was read when it was asked: an event heard since is newer, and stays.
          const fresh = presence.filter((p) => this.recency.take(p.userId, asked));
          this.known = { ...this.known, ...Object.fromEntries(fresh.map((p) => [p.userId, p])) };
          this.changed(this.known);
        })
        .catch(() => {}); // Offline again: the next connect asks again.
    }
  }
}
