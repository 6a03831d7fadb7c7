/**
 * Which is newer, per key, of a fetched answer and a live event: events count up as they are
 * heard, and an answer ranks as of when it was asked for (the server read it then). So an event
 * heard after an answer was asked for outranks it, and of two answers the one asked for later
 * wins, whichever arrives first.
 */
export class Recency {
  private count = 0;
  private readonly at = new Map<string, number>();

  /** A live event about `key`: newer than every answer asked for before it. */
  heard(key: string): void {
    this.at.set(key, ++this.count);
  }

  /** Call as the request goes out; the number is the answer's rank, for `take`. */
  ask(): number {
    return ++this.count;
  }

  /** True (and `key` ranked as of `asked`) when the answer asked at `asked` is at least as new as what is known of `key`. */
  take(key: string, asked: number): boolean {
    if ((this.at.get(key) ?? 0) > asked) return false;
    this.at.set(key, asked);
    return true;
  }

  clear(): void {
    this.at.clear();
  }
}
