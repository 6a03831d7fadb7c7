import fs from 'node:fs/promises';
import { apply, emptyState, type ClientStore, type OutboxEntry, type StoredSession, type StoredState } from './ClientStore.js';

const FORMAT = 1;

/**
 * The whole state in one JSON file (Node only; import from `@parley/client/node`).
 * Every write replaces the file atomically (write a temp file, fsync, rename), so a crash
 * leaves either the old or the new state, never half of one. Writes that arrive while one
 * is in progress share the next one, so a burst of sends costs a few file writes, not one each.
 * The file holds the session's tokens: it is created readable by its owner only.
 */
export class FileStore implements ClientStore {
  private state?: StoredState;
  private next?: Promise<void>;
  private last: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  async load(): Promise<StoredState> {
    let text: string | undefined;
    try {
      text = await fs.readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text === undefined) this.state = emptyState();
    else {
      const parsed = JSON.parse(text) as StoredState & { format?: number };
      if (parsed.format !== FORMAT) throw new Error(`${this.path}: unknown store format ${parsed.format}`);
      const { format: _format, ...state } = parsed;
      this.state = { ...state, changes: state.changes ?? {} }; // files written before change catch-up
    }
    return structuredClone(this.state);
  }

  putOutbox(entry: OutboxEntry): Promise<void> {
    apply.putOutbox(this.loaded(), { ...entry });
    return this.save();
  }

  deleteOutbox(clientMsgId: string): Promise<void> {
    apply.deleteOutbox(this.loaded(), clientMsgId);
    return this.save();
  }

  setCursor(chatId: string, seq: number): Promise<void> {
    apply.setCursor(this.loaded(), chatId, seq);
    return this.save();
  }

  setChangeSeq(chatId: string, changeSeq: number): Promise<void> {
    apply.setChangeSeq(this.loaded(), chatId, changeSeq);
    return this.save();
  }

  setSession(session: StoredSession | undefined): Promise<void> {
    apply.setSession(this.loaded(), session && { ...session });
    return this.save();
  }

  clear(): Promise<void> {
    this.state = emptyState();
    return this.save();
  }

  private loaded(): StoredState {
    if (!this.state) throw new Error('FileStore: load() first');
    return this.state;
  }

  /** Resolves once a write that started after this call has finished. */
  private save(): Promise<void> {
    if (!this.next) {
      this.next = this.last.then(() => {
        this.next = undefined;
        return this.write(JSON.stringify({ format: FORMAT, ...this.state }));
      });
      this.last = this.next.catch(() => {});
    }
    return this.next;
  }

  private async write(data: string): Promise<void> {
    const temp = `${this.path}.${process.pid}.tmp`;
    const file = await fs.open(temp, 'w', 0o600);
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await fs.rename(temp, this.path);
  }
}
