import type { Message, ParleyClient } from '@parley/client';
import type { AppState } from './AppState.js';
import { holdsSeq, mergeMessages, touching } from './mergeMessages.js';

const PAGE = 60;
/** Messages loaded on each side of a message jumped to: more than a screen, so neither end shows at once. */
const AROUND = 30;

/** What the loader may do to the store. */
export interface HistoryHost {
  state(): AppState;
  /** Messages into the chat's live run (mergeMessages; it joins a detached window it comes to touch). */
  take(chatId: string, messages: readonly Message[]): void;
  setDetached(chatId: string, run: readonly Message[] | undefined): void;
  setLoading(which: 'loadingOlder' | 'loadingNewer', chatId: string, loading: boolean): void;
}

/**
 * Fetches history pages and puts them where they belong (docs/web.md, "A chat's messages"): the
 * live run, which ends at the newest message and takes live frames, or a detached window
 * around a message jumped to far back, which pages both ways and joins the live run once the
 * two touch or the window reaches the newest message.
 */
export class HistoryLoader {
  /** Per chat, the latest jump: the answer to an earlier one, arriving later, is dropped. */
  private readonly jumps = new Map<string, number>();

  constructor(private readonly client: ParleyClient, private readonly host: HistoryHost) {}

  async loadNewest(chatId: string): Promise<void> {
    const page = await this.client.history(chatId, { limit: PAGE });
    this.host.take(chatId, page.messages);
  }

  /** The page before the oldest message shown: of the detached window if there is one, else of the live run. */
  async loadOlder(chatId: string): Promise<void> {
    const { detached, messages, loadingOlder } = this.host.state();
    const first = (detached[chatId] ?? messages[chatId])?.[0];
    if (!first || first.seq <= 1 || loadingOlder[chatId]) return;
    this.host.setLoading('loadingOlder', chatId, true);
    try {
      const page = await this.client.history(chatId, { before: first.seq, limit: PAGE });
      // Meanwhile the window may have joined the live run (the page goes there) or been replaced by another jump.
      const window = this.host.state().detached[chatId];
      if (!window) this.host.take(chatId, page.messages);
      else if (touching(window, page.messages)) this.place(chatId, mergeMessages(window, page.messages), false);
    } finally {
      this.host.setLoading('loadingOlder', chatId, false);
    }
  }

  /** The page after the detached window's newest message; the last one joins the window to the live run. */
  async loadNewer(chatId: string): Promise<void> {
    const { detached, loadingNewer } = this.host.state();
    const last = detached[chatId]?.at(-1);
    if (!last || loadingNewer[chatId]) return;
    this.host.setLoading('loadingNewer', chatId, true);
    try {
      const page = await this.client.history(chatId, { after: last.seq, limit: PAGE });
      const window = this.host.state().detached[chatId];
      if (window?.at(-1)?.id !== last.id) return; // joined or replaced meanwhile
      this.place(chatId, mergeMessages(window, page.messages), !page.hasMore);
    } finally {
      this.host.setLoading('loadingNewer', chatId, false);
    }
  }

  /**
   * Makes the message with `seq` part of what the chat shows: the live run if it holds it, else
   * a window of about a page around it, one request each way. Never everything in between: a
   * hit 100,000 messages back costs the same two requests as one a page back.
   */
  async showMessage(chatId: string, seq: number): Promise<void> {
    const ticket = this.nextJump(chatId);
    const { messages, detached } = this.host.state();
    if (holdsSeq(messages[chatId] ?? [], seq)) return this.host.setDetached(chatId, undefined);
    if (holdsSeq(detached[chatId] ?? [], seq)) return;
    const [older, newer] = await Promise.all([
      this.client.history(chatId, { before: seq + 1, limit: AROUND + 1 }),
      this.client.history(chatId, { after: seq, limit: AROUND }),
    ]);
    if (this.jumps.get(chatId) !== ticket) return;
    this.host.setDetached(chatId, undefined);
    this.place(chatId, [...older.messages, ...newer.messages], !newer.hasMore);
  }

  /**
   * As `showMessage`, for a message known by id only (a reply's quote carries no seq). A loaded
   * message gives its seq; otherwise the server's lookup by id does (`getMessage`: one small
   * request, whatever the distance). Resolves with the message, or undefined when another jump
   * (or back to the newest) came first. A message this user deleted for themselves (`hidden`)
   * is not shown, and nothing is loaded around it: the list draws no row for it.
   */
  async showMessageById(chatId: string, messageId: string): Promise<Message | undefined> {
    const { messages, detached } = this.host.state();
    const held = [...(detached[chatId] ?? []), ...(messages[chatId] ?? [])].find((m) => m.id === messageId);
    const ticket = this.nextJump(chatId);
    const message = held ?? (await this.client.getMessage(chatId, messageId));
    if (this.jumps.get(chatId) !== ticket) return undefined; // another jump, or back to the newest, meanwhile
    if (!message.hidden) await this.showMessage(chatId, message.seq);
    return message;
  }

  /** Back to the live run ("jump to newest"); the window is dropped, and a jump still loading no longer applies. */
  showLive(chatId: string): void {
    this.nextJump(chatId);
    if (this.host.state().detached[chatId]) this.host.setDetached(chatId, undefined);
  }

  /**
   * A gapless run, placed: into the live run when the two touch, or when the run reaches the
   * chat's newest message (mergeMessages keeps the newest run, which is then this one); else it
   * is the chat's detached window.
   */
  private place(chatId: string, run: readonly Message[], reachesNewest: boolean): void {
    const live = this.host.state().messages[chatId] ?? [];
    if (reachesNewest || touching(live, run)) {
      this.host.setDetached(chatId, undefined);
      this.host.take(chatId, run);
    } else {
      this.host.setDetached(chatId, run);
    }
  }

  private nextJump(chatId: string): number {
    const ticket = (this.jumps.get(chatId) ?? 0) + 1;
    this.jumps.set(chatId, ticket);
    return ticket;
  }
}
