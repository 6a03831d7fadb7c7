import type { Message } from '@parley/client';
import type { AppStore } from '../state/AppStore.js';
import { notificationsOn } from '../session/notificationSwitch.js';
import { pushPreviews } from '../session/notificationChoices.js';
import { isMuted } from '../ui/mute.js';
import { noticePayload } from './noticePayload.js';
import { pageAttended } from './pageAttended.js';
import { showNotice } from './showNotice.js';

/** The pages of one catch-up come in frames a moment apart: one notice per chat for them all. */
const BATCH_MS = 250;

/**
 * Notices of new messages while the app is open but unattended (docs/notifications.md): the
 * server pushes only to users with no device connected, so a background tab would otherwise hear
 * nothing. One notice per chat and batch, shown by the service worker as a push would be.
 */
export class UnattendedNotices {
  private batch = new Map<string, Message[]>();
  /** Per chat, the seqs already told of and still unread: the next notice replaces that one (same tag), so it counts them too. */
  private readonly told = new Map<string, Set<number>>();
  private timer?: ReturnType<typeof setTimeout>;

  constructor(private readonly store: AppStore) {}

  /** Listens to the SDK; returns the function that stops it. */
  start(): () => void {
    const off = this.store.client.on('message', (m) => this.take(m));
    return () => (off(), clearTimeout(this.timer));
  }

  /** Runs on the SDK's event, before AppStore applies the message, so the chat's marks are still those from before it. */
  private take(message: Message): void {
    if (message.senderId === this.store.state.me.id || message.deletedAt || message.hidden) return;
    if (pageAttended() || !notificationsOn()) return;
    // A chat not loaded yet has no known read mark: a first sync from scratch would tell of its
    // whole history. One without a mark (large groups leave it out): only what is newer than its newest.
    const chat = this.store.chat(message.chatId);
    if (!chat || message.seq <= (this.store.state.readMarks[chat.id] ?? chat.lastSeq)) return;
    this.batch.set(chat.id, [...(this.batch.get(chat.id) ?? []), message]);
    this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  private flush(): void {
    this.timer = undefined;
    const batch = this.batch;
    this.batch = new Map();
    // Looked at again meanwhile, or switched off: the user sees the list.
    if (pageAttended() || !notificationsOn()) return;
    for (const [chatId, messages] of batch) {
      const chat = this.store.chat(chatId);
      if (!chat || isMuted(chat)) continue;
      // The batch was held against the read mark as it arrived, not now: a chat read meanwhile
      // (on another device) still gets its notice, counting only what is still unread.
      const mark = this.store.state.readMarks[chatId] ?? 0;
      const told = new Set([...(this.told.get(chatId) ?? [])].filter((seq) => seq > mark));
      for (const m of messages) told.add(m.seq);
      this.told.set(chatId, told);
      const newest = messages.reduce((a, b) => (b.seq > a.seq ? b : a));
      void showNotice(noticePayload(chat, newest, told.size, pushPreviews())).catch(() => {});
    }
  }
}
