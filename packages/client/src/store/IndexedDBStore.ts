import { emptyState, type ClientStore, type OutboxEntry, type StoredSession, type StoredState } from './ClientStore.js';

/** 2 added `changes`. */
const VERSION = 2;
const STORES = ['outbox', 'cursors', 'changes', 'meta'];

/**
 * Browsers: one IndexedDB database with four object stores: `outbox` (keyed by clientMsgId,
 * ordered by an insertion counter), `cursors` (chatId → seq), `changes` (chatId → changeSeq)
 * and `meta` (owner, session).
 * Every write is its own transaction and resolves when it commits. The tabs of one origin
 * share it: they refresh the session in turns (`lockSession`).
 */
export class IndexedDBStore implements ClientStore {
  private db?: Promise<IDBDatabase>;
  private counter = 0;

  constructor(readonly name = 'parley') {}

  async load(): Promise<StoredState> {
    const db = await this.open();
    const tx = db.transaction(STORES, 'readonly');
    const [outbox, chatIds, seqs, changedIds, changeSeqs, owner, session] = await Promise.all([
      request<Array<OutboxEntry & { order: number }>>(tx.objectStore('outbox').getAll()),
      request<IDBValidKey[]>(tx.objectStore('cursors').getAllKeys()),
      request<number[]>(tx.objectStore('cursors').getAll()),
      request<IDBValidKey[]>(tx.objectStore('changes').getAllKeys()),
      request<number[]>(tx.objectStore('changes').getAll()),
      request<string | undefined>(tx.objectStore('meta').get('owner')),
      request<StoredSession | undefined>(tx.objectStore('meta').get('session')),
    ]);
    outbox.sort((a, b) => a.order - b.order);
    const state = emptyState();
    state.outbox = outbox.map(({ order: _order, ...entry }) => entry);
    chatIds.forEach((chatId, i) => (state.cursors[String(chatId)] = seqs[i]!));
    changedIds.forEach((chatId, i) => (state.changes[String(chatId)] = changeSeqs[i]!));
    if (owner) state.owner = owner;
    if (session) state.session = session;
    return state;
  }

  /** A replaced entry keeps its place in line; a new one goes last, also after a reopen. */
  putOutbox(entry: OutboxEntry): Promise<void> {
    return this.write(['outbox'], (tx) => {
      const outbox = tx.objectStore('outbox');
      const read = outbox.get(entry.clientMsgId);
      read.onsuccess = () => {
        const order = (read.result as { order?: number } | undefined)?.order ?? this.nextOrder();
        outbox.put({ ...entry, order });
      };
    });
  }

  // Clock-based, so entries written by a later page load sort after earlier ones.
  private nextOrder(): number {
    return Date.now() * 1000 + (this.counter++ % 1000);
  }

  deleteOutbox(clientMsgId: string): Promise<void> {
    return this.write(['outbox'], (tx) => tx.objectStore('outbox').delete(clientMsgId));
  }

  setCursor(chatId: string, seq: number): Promise<void> {
    return this.raise('cursors', chatId, seq);
  }

  setChangeSeq(chatId: string, changeSeq: number): Promise<void> {
    return this.raise('changes', chatId, changeSeq);
  }

  /** Counters only move forward, also when two writes race. */
  private raise(storeName: string, chatId: string, value: number): Promise<void> {
    return this.write([storeName], (tx) => {
      const store = tx.objectStore(storeName);
      const read = store.get(chatId);
      read.onsuccess = () => {
        if (value > ((read.result as number | undefined) ?? 0)) store.put(value, chatId);
      };
    });
  }

  setSession(session: StoredSession | undefined): Promise<void> {
    return this.write(['meta'], (tx) => {
      const meta = tx.objectStore('meta');
      if (session) {
        meta.put(session.user.id, 'owner');
        meta.put(session, 'session');
      } else meta.delete('session');
    });
  }

  clear(): Promise<void> {
    return this.write(STORES, (tx) => {
      for (const name of STORES) tx.objectStore(name).clear();
    });
  }

  /** Tabs of one origin take turns through a Web Lock named after the database. */
  lockSession<T>(fn: (stored: StoredSession | undefined) => Promise<T>): Promise<T> {
    const turn = async () => {
      const tx = (await this.open()).transaction(['meta'], 'readonly');
      return fn(await request<StoredSession | undefined>(tx.objectStore('meta').get('session')));
    };
    const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
    return locks ? (locks.request(`parley-session:${this.name}`, turn) as Promise<T>) : turn();
  }

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const req = indexedDB.open(this.name, VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        for (const name of STORES) {
          if (!db.objectStoreNames.contains(name)) db.createObjectStore(name, name === 'outbox' ? { keyPath: 'clientMsgId' } : undefined);
        }
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    return this.db;
  }

  private async write(stores: string[], run: (tx: IDBTransaction) => void): Promise<void> {
    const tx = (await this.open()).transaction(stores, 'readwrite');
    run(tx);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }
}

function request<T>(req: IDBRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result as T);
    req.onerror = () => reject(req.error);
  });
}
