import type { Chat, Message } from '@parley/client';

/** Messages kept per chat: enough to fill a screen at once and scroll a bit before the network answers. */
export const CACHED_PER_CHAT = 200;
const VERSION = 1;
const FLUSH_MS = 400;

export interface CachedState {
  chats: Chat[];
  messages: Record<string, Message[]>;
}

/**
 * What the app shows before the network answers: the chat list and the newest messages of each
 * chat, in an IndexedDB database of its own (the SDK's store keeps only what delivery needs).
 * Writes are coalesced and committed together; the cache belongs to one user and is wiped when
 * another signs in or on logout.
 */
export class LocalCache {
  private db?: Promise<IDBDatabase>;
  private chats = new Map<string, Chat>();
  private messages: Message[] = [];
  private removed = new Set<string>();
  private timer?: ReturnType<typeof setTimeout>;

  constructor(private readonly name = 'parley-cache') {}

  /** The cached state if it belongs to `userId`; otherwise empties the cache for them. */
  async load(userId: string): Promise<CachedState> {
    const db = await this.open();
    const owner = await request<string | undefined>(db.transaction('meta').objectStore('meta').get('owner'));
    if (owner !== userId) {
      await this.clear();
      await this.commit(db, ['meta'], (tx) => tx.objectStore('meta').put(userId, 'owner'));
      return { chats: [], messages: {} };
    }
    const tx = db.transaction(['chats', 'messages']);
    const chats = await request<Chat[]>(tx.objectStore('chats').getAll());
    const messages: Record<string, Message[]> = {};
    await Promise.all(chats.map(async (chat) => (messages[chat.id] = await newestMessages(tx.objectStore('messages'), chat.id, CACHED_PER_CHAT))));
    return { chats, messages };
  }

  putChat(chat: Chat): void {
    this.chats.set(chat.id, chat);
    this.removed.delete(chat.id);
    this.schedule();
  }

  removeChat(chatId: string): void {
    this.chats.delete(chatId);
    this.removed.add(chatId);
    this.schedule();
  }

  putMessages(messages: readonly Message[]): void {
    this.messages.push(...messages);
    this.schedule();
  }

  /** Forgets everything (logout, or another user on this browser). */
  async clear(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.chats.clear();
    this.messages = [];
    this.removed.clear();
    const db = await this.open();
    await this.commit(db, ['chats', 'messages', 'meta'], (tx) => {
      for (const name of ['chats', 'messages', 'meta']) tx.objectStore(name).clear();
    });
  }

  /** Writes what is queued now (also called when the page is hidden: it may never come back). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const chats = [...this.chats.values()];
    const removed = [...this.removed];
    const messages = this.messages;
    this.chats = new Map();
    this.removed = new Set();
    this.messages = [];
    if (chats.length + removed.length + messages.length === 0) return;
    const db = await this.open();
    await this.commit(db, ['chats', 'messages'], (tx) => {
      const chatStore = tx.objectStore('chats');
      const messageStore = tx.objectStore('messages');
      const newestSeq = new Map<string, number>();
      for (const m of messages) newestSeq.set(m.chatId, Math.max(m.seq, newestSeq.get(m.chatId) ?? 0));
      const floor = (chatId: string) => (newestSeq.get(chatId) ?? 0) - CACHED_PER_CHAT;
      for (const chat of chats) chatStore.put(chat);
      for (const m of messages) if (m.seq > floor(m.chatId)) messageStore.put(m);
      for (const chatId of removed) {
        chatStore.delete(chatId);
        messageStore.delete(IDBKeyRange.bound([chatId, 0], [chatId, Infinity]));
      }
      // Old messages go, so the cache stays the size of a few screens per chat.
      for (const chatId of newestSeq.keys()) {
        if (floor(chatId) > 0) messageStore.delete(IDBKeyRange.bound([chatId, 0], [chatId, floor(chatId)]));
      }
    }).catch((err: unknown) => console.warn('parley: could not write the local cache', err));
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const req = indexedDB.open(this.name, VERSION);
      req.onupgradeneeded = () => {
        req.result.createObjectStore('chats', { keyPath: 'id' });
        req.result.createObjectStore('messages', { keyPath: ['chatId', 'seq'] });
        req.result.createObjectStore('meta');
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    return this.db;
  }

  private commit(db: IDBDatabase, stores: string[], write: (tx: IDBTransaction) => void): Promise<void> {
    const tx = db.transaction(stores, 'readwrite');
    write(tx);
    return new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }
}

function newestMessages(store: IDBObjectStore, chatId: string, limit: number): Promise<Message[]> {
  return new Promise((resolve, reject) => {
    const found: Message[] = [];
    const req = store.openCursor(IDBKeyRange.bound([chatId, 0], [chatId, Infinity]), 'prev');
    req.onsuccess = () => {
      const cursor = req.result;
      if (!cursor || found.length >= limit) return resolve(found.reverse());
      found.push(cursor.value as Message);
      cursor.continue();
    };
    req.onerror = () => reject(req.error);
  });
}

function request<T>(req: IDBRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result as T);
    req.onerror = () => reject(req.error);
  });
}
