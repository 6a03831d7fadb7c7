import type { Auth } from './Auth.js';
import type { ChatDirectory } from './ChatDirectory.js';
import type { Delivery } from './Delivery.js';
import type { Session } from './session.js';
import type { StoredState } from './store/ClientStore.js';
import type { StoreWriter } from './store/StoreWriter.js';

/** What ownership needs of the client around it. */
export interface OwnershipParts {
  /** The store's contents, once read. */
  loaded: Promise<StoredState>;
  auth: Auth;
  writer: StoreWriter;
  directory: ChatDirectory;
  /** A delivery with nothing in it, for a user starting over on this store. */
  newDelivery(): Delivery;
}

/**
 * Whose outbox, cursors and session the local store holds, and that user's `Delivery`. The
 * store is one user's: when another user signs in on it, the previous user's outbox and
 * cursors are dropped and delivery starts over, so nothing of theirs goes out as the new user's.
 */
export class StoreOwnership {
  /** The user whose outbox and cursors the store holds. */
  private owner?: string;
  private current: Delivery;

  constructor(private readonly parts: OwnershipParts) {
    this.current = parts.newDelivery();
    void parts.loaded.then((state) => this.restore(state), () => {});
  }

  /** The owner's delivery; replaced as a whole when the owner changes. */
  get delivery(): Delivery {
    return this.current;
  }

  /** A session from register, login or the app: its user owns the store from now on. */
  async adopt(session: Session): Promise<Session> {
    void this.parts.auth.set(session);
    await this.parts.loaded;
    if (this.owner && this.owner !== session.user.id) this.changeOwner(session.user.id);
    this.owner = session.user.id;
    return session;
  }

  private restore(state: StoredState): void {
    const mine = this.parts.auth.session?.user.id;
    this.owner = state.owner;
    // A session set before the store loaded wins; a stranger's data goes.
    if (mine && state.owner && state.owner !== mine) return this.changeOwner(mine);
    if (!mine && state.session) this.parts.auth.restore(state.session);
    this.current.restore(state);
  }

  /** Another user signs in on this store: the previous user's outbox and cursors are dropped. */
  private changeOwner(userId: string): void {
    const { auth, writer, directory } = this.parts;
    this.current.stop();
    this.current = this.parts.newDelivery();
    directory.clear();
    this.owner = userId;
    void writer.run(async (store) => {
      await store.clear();
      if (auth.session) await store.setSession(auth.session);
    });
  }
}
