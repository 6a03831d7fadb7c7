/** A place in the queues of one or more users: it comes once every earlier turn of each has ended. */
export interface Turn {
  /** Queues this turn for one more user, behind that user's earlier turns. */
  add(userId: string): void;
  has(userId: string): boolean;
  /** Resolves once every earlier turn of this turn's users has ended. */
  ready(): Promise<void>;
  /** Lets each user's next turn go. */
  end(): void;
}

/**
 * Each user's presence changes run one after another, in the order they were asked for. A batch
 * of connection changes takes one turn for all of its users, queued as each joins the batch, so
 * a status change asked for after a connection change still runs after it.
 */
export class UserTurns {
  private readonly tails = new Map<string, Promise<void>>();

  open(): Turn {
    const earlier: Promise<void>[] = [];
    const users = new Set<string>();
    let end!: () => void;
    const tail = new Promise<void>((resolve) => (end = resolve));
    return {
      add: (userId) => {
        const before = this.tails.get(userId);
        if (before) earlier.push(before);
        users.add(userId);
        this.tails.set(userId, tail);
      },
      has: (userId) => users.has(userId),
      ready: async () => void (await Promise.all(earlier)),
      end: () => {
        end();
        // The entry goes with the user's last turn, so the map holds only users with changes queued.
        for (const userId of users) if (this.tails.get(userId) === tail) this.tails.delete(userId);
      },
    };
  }

  /** Runs `job` in `userId`'s next turn; its result (or failure) is the caller's. */
  run<T>(userId: string, job: () => Promise<T>): Promise<T> {
    const turn = this.open();
    turn.add(userId);
    return turn.ready().then(job).finally(() => turn.end());
  }

  /** Resolves once every turn taken so far has ended. */
  async idle(): Promise<void> {
    await Promise.all(this.tails.values());
  }
}
