/** The server stops an indicator after 5 s without news; this is the fallback if its `stop` is lost with the link. */
const EXPIRE_MS = 6000;

/** Who is typing where, from `typing` events. */
export class TypingBook {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private typing: Record<string, string[]> = {};

  constructor(private readonly changed: (typing: Record<string, string[]>) => void) {}

  update(chatId: string, userId: string, typing: boolean): void {
    const key = `${chatId} ${userId}`;
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    const list = this.typing[chatId] ?? [];
    if (typing) this.timers.set(key, setTimeout(() => this.update(chatId, userId, false), EXPIRE_MS));
    if (typing === list.includes(userId)) return;
    const next = typing ? [...list, userId] : list.filter((id) => id !== userId);
    this.typing = { ...this.typing, [chatId]: next };
    this.changed(this.typing);
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
