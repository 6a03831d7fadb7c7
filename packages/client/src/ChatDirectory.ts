import type { Chat } from '@parley/protocol';

/**
 * The chats this client knows, so the app hears of each change once: from `chat` and
 * `chat.removed` frames, and from the full list fetched after every (re)connect, which is how
 * changes missed while offline (new chats, renames, removals) are picked up.
 */
export class ChatDirectory {
  private readonly known = new Map<string, { json: string; chat: Chat }>();
  /** Counts changes; `changedAt` keeps, per chat, the count at its latest change. */
  private changes = 0;
  private readonly changedAt = new Map<string, number>();

  constructor(private readonly hooks: { changed(chat: Chat): void; removed(chatId: string): void }) {}

  update(chat: Chat): void {
    const json = JSON.stringify(chat);
    if (this.known.get(chat.id)?.json === json) return;
    this.known.set(chat.id, { json, chat });
    this.changedAt.set(chat.id, ++this.changes);
    this.hooks.changed(chat);
  }

  remove(chatId: string): void {
    this.known.delete(chatId);
    this.changedAt.set(chatId, ++this.changes);
    this.hooks.removed(chatId);
  }

  /**
   * Applies a full list, as the server read it when it was asked: a chat a frame or a call
   * changed (or removed) while the list was on its way keeps that newer state, and a chat
   * missing from the list is gone. Resolves to the chats as known after, in the list's order
   * (most recently active first), with those that came meanwhile ahead.
   */
  async refresh(list: () => Promise<Chat[]>): Promise<Chat[]> {
    const asked = this.changes;
    const chats = await list();
    const untouched = (chatId: string) => (this.changedAt.get(chatId) ?? 0) <= asked;
    const listed = new Set(chats.map((c) => c.id));
    for (const chatId of [...this.known.keys()]) if (!listed.has(chatId) && untouched(chatId)) this.remove(chatId);
    for (const chat of chats) if (untouched(chat.id)) this.update(chat);
    const meanwhile = [...this.known.keys()].filter((chatId) => !listed.has(chatId));
    return [...meanwhile, ...chats.map((c) => c.id)].flatMap((chatId) => this.known.get(chatId)?.chat ?? []);
  }

  clear(): void {
    this.known.clear();
    this.changedAt.clear();
  }
}
