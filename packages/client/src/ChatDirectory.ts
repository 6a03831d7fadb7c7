import type { Chat } from '@parley/protocol';
import { Recency } from './Recency.js';

/**
 * The chats this client knows, so the app hears of each change once: from `chat` and
 * `chat.removed` frames, and from the full list fetched after every (re)connect, which is how
 * changes missed while offline (new chats, renames, removals) are picked up.
 */
export class ChatDirectory {
  private readonly known = new Map<string, { json: string; chat: Chat }>();
  private readonly recency = new Recency();

  constructor(private readonly hooks: { changed(chat: Chat): void; removed(chatId: string): void }) {}

  update(chat: Chat): void {
    this.recency.heard(chat.id);
    this.put(chat);
  }

  /** The app hears of it even when unknown here: it may show the chat from a cache of its own. */
  remove(chatId: string): void {
    this.recency.heard(chatId);
    this.drop(chatId);
  }

  /**
   * Applies a full list, as the server read it when it was asked: a chat a frame or a call
   * changed (or removed) while the list was on its way keeps that newer state, and a chat
   * missing from the list is gone. Resolves to the chats as known after, in the list's order
   * (most recently active first), with those that came meanwhile ahead.
   */
  async refresh(list: () => Promise<Chat[]>): Promise<Chat[]> {
    const asked = this.recency.ask();
    const chats = await list();
    const listed = new Set(chats.map((c) => c.id));
    for (const chatId of [...this.known.keys()]) if (!listed.has(chatId) && this.recency.take(chatId, asked)) this.drop(chatId);
    for (const chat of chats) if (this.recency.take(chat.id, asked)) this.put(chat);
    const meanwhile = [...this.known.keys()].filter((chatId) => !listed.has(chatId));
    return [...meanwhile, ...chats.map((c) => c.id)].flatMap((chatId) => this.known.get(chatId)?.chat ?? []);
  }

  clear(): void {
    this.known.clear();
    this.recency.clear();
  }

  private put(chat: Chat): void {
    const json = JSON.stringify(chat);
    if (this.known.get(chat.id)?.json === json) return;
    this.known.set(chat.id, { json, chat });
    this.hooks.changed(chat);
  }

  private drop(chatId: string): void {
    this.known.delete(chatId);
    this.hooks.removed(chatId);
  }
}
