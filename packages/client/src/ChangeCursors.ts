/**
 * Per chat, the `changeSeq` up to which edits, deletions, reactions and hides were handed to
 * the app. Sent in every `sync`, so a device that was away gets the changes it missed; moved
 * only by `synced` answers (live `message.updated` frames may be lost with a link, and an
 * update seen twice is harmless: the copy with the higher `changeSeq` wins).
 */
export class ChangeCursors {
  private readonly seqs = new Map<string, number>();

  constructor(private readonly save: (chatId: string, changeSeq: number) => void) {}

  restore(changes: Record<string, number>): void {
    for (const [chatId, changeSeq] of Object.entries(changes)) this.seqs.set(chatId, Math.max(changeSeq, this.seqs.get(chatId) ?? 0));
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.seqs);
  }

  advance(chatId: string, changeSeq: number): void {
    if (changeSeq <= (this.seqs.get(chatId) ?? 0)) return;
    this.seqs.set(chatId, changeSeq);
    this.save(chatId, changeSeq);
  }
}
