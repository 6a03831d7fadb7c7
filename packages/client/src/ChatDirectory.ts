import type { Chat } from '@parley/protocol';

/**
 * The chats this client knows, so the app hears of each change once: from `chat` and
 * `chat.removed` frames, and from the full list fetched after every (re)connect, which is how
 * changes missed while offline (new chats, renames, removals) are picked up.
 */
export class ChatDirectory {
  private readonly known = new Map<string, string>();

  constructor(private readonly hooks: { changed(chat: Chat): void; removed(chatId: string): void }) {}

  update(chat: Chat): void {
    const json = JSON.stringify(chat);
    if (this.known.get(chat.id) === json) return;
    this.known.set(chat.id, json);
    this.hooks.changed(chat);
  }

  remove(chatId: string): void {
    this.known.delete(chatId);
    this.hooks.removed(chatId);
  }

  /** Applies a full list; a chat missing from it is gone, unless a frame brought it while the list was on its way. */
  async refresh(list: () => Promise<Chat[]>): Promise<Chat[]> {
    const before = new Map(this.known);
    const chats = await list();
    const listed = new Set(chats.map((c) => c.id));
    for (const [chatId, json] of before) if (!listed.has(chatId) && this.known.get(chatId) === json) this.remove(chatId);
    for (const chat of chats) this.update(chat);
    return chats;
  }

  clear(): void {
    this.known.clear();
  }
}
