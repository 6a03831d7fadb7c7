import type { Chat } from '@parley/protocol';

/**
 * The chats this client knows, so the app hears of each change once: from `chat` and
 * `chat.removed` frames, and from the full list fetched after every (re)connect, which is how
 * changes missed while offline (new chats, renames, removals) are picked up.
 */
export class ChatDirectory {
  private readonly known = new Map<string, { json: string; chat: Chat }>();
  /**
   * How new each chat's state is: frames and calls count up from `changes`; a list's chats take
   * the count of when it was asked for, so a frame heard after that outranks the list, and a
   * list asked for later outranks an earlier one whatever order their answers come in.
   */
  private changes = 0;
  private readonly changedAt = new Map<string, number>();

  constructor(private readonly hooks: { changed(chat: Chat): void; removed(chatId: string): void }) {}

  update(chat: Chat): void {
    this.put(chat, ++this.changes);
  }

  remove(chatId: string): void {
    this.drop(chatId, ++this.changes);
  }

  /**
   * Applies a full list, as the server read it when it was asked: a chat a frame or a call
   * changed (or removed) while the list was on its way keeps that newer state, and a chat
   * missing from the list is gone. Resolves to the chats as known after, in the list's order
   * (most recently active first), with those that came meanwhile ahead.
   */
  async refresh(list: () => Promise<Chat[]>): Promise<Chat[]> {
    const asked = ++this.changes;
    const chats = await list();
    const asNew = (chatId: string) => (this.changedAt.get(chatId) ?? 0) <= asked;
    const listed = new Set(chats.map((c) => c.id));
    for (const chatId of [...this.known.keys()]) if (!listed.has(chatId) && asNew(chatId)) this.drop(chatId, asked);
    for (const chat of chats) if (asNew(chat.id)) this.put(chat, asked);
    const meanwhile = [...this.known.keys()].filter((chatId) => !listed.has(chatId));
    return [...meanwhile, ...chats.map((c) => c.id)].flatMap((chatId) => this.known.get(chatId)?.chat ?? []);
  }

  clear(): void {
    this.known.clear();
    this.changedAt.clear();
  }

  private put(chat: Chat, at: number): void {
    this.changedAt.set(chat.id, at);
    const json = JSON.stringify(chat);
    if (this.known.get(chat.id)?.json === json) return;
    this.known.set(chat.id, { json, chat });
    this.hooks.changed(chat);
  }

  /** The app hears of it even when unknown here: it may show the chat from a cache of its own. */
  private drop(chatId: string, at: number): void {
    this.changedAt.set(chatId, at);
    this.known.delete(chatId);
    this.hooks.removed(chatId);
  }
}
