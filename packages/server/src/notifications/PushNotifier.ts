import type { Logger } from 'pino';
import type { PushConfig } from '../config.js';
import type { Metrics } from '../metrics.js';
import type { Presence } from '../presence/Presence.js';
import type { Store } from '../store/Store.js';
import type { MessageRow } from '../store/schema.js';
import { planMessagePushes } from './messagePushes.js';
import type { PlannedPush } from './pushPayload.js';
import { findPushRecipients } from './pushRecipients.js';
import { planReactionPushes, reactionsToTell, type StoredReaction } from './reactionPushes.js';
import { PushQueue, type PushJob } from './PushQueue.js';
import { PushSender, type PushOutcome } from './PushSender.js';
import { loadVapidKeys } from './vapidKeys.js';

export interface PushNotifierDeps {
  store: Store;
  presence: Presence;
  log: Logger;
  metrics: Metrics;
  config: PushConfig;
}

/** Messages, and reactions, per dispatch: bounds the queries' id lists. */
const MAX_DISPATCH = 2000;

/**
 * Web Push for users who are not connected (docs/notifications.md). Committed messages and
 * reactions are handed over after their fan-out and dispatched in batches, one at a time, those
 * arriving meanwhile forming the next: a fixed number of queries per batch, never per message,
 * reaction or recipient, and never on the commit path.
 */
export class PushNotifier {
  private pendingMessages: MessageRow[] = [];
  private pendingReactions: StoredReaction[] = [];
  private dispatching?: Promise<void>;
  private readonly queue: PushQueue;

  private constructor(private readonly deps: PushNotifierDeps, readonly publicKey: string, private readonly sender: PushSender) {
    this.queue = new PushQueue(sender, { settled: (job, outcome) => this.settled(job, outcome) }, deps.config.concurrency, deps.config.queueMax);
  }

  static async open(deps: PushNotifierDeps): Promise<PushNotifier> {
    const vapid = await loadVapidKeys(deps.store.db, deps.config.vapid);
    const sender = new PushSender({ vapid, subject: deps.config.subject, ttlSec: deps.config.ttlSec, privateAddresses: deps.config.insecureEndpoints });
    return new PushNotifier(deps, vapid.publicKey, sender);
  }

  /** New messages, committed and fanned out. */
  messagesStored(messages: MessageRow[]): void {
    if (messages.length === 0) return;
    this.pendingMessages.push(...messages);
    this.dispatching ??= this.dispatchAll();
  }

  /** Reactions set (not removed), committed and fanned out: their messages' authors may be told. */
  reactionsStored(reactions: StoredReaction[]): void {
    if (reactions.length === 0) return;
    this.pendingReactions.push(...reactions);
    this.dispatching ??= this.dispatchAll();
  }

  /** Settles when everything handed over so far has been pushed or given up on. */
  async idle(): Promise<void> {
    while (this.dispatching) await this.dispatching;
    await this.queue.idle();
  }

  async close(): Promise<void> {
    this.pendingMessages = [];
    this.pendingReactions = [];
    await this.dispatching;
    await this.queue.close();
    this.sender.close();
  }

  private async dispatchAll(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pendingMessages.length > 0 || this.pendingReactions.length > 0) {
      const messages = this.pendingMessages.splice(0, MAX_DISPATCH);
      const reactions = this.pendingReactions.splice(0, MAX_DISPATCH);
      try {
        this.queue.add(await this.jobsFor(messages, reactions));
      } catch (err) {
        this.deps.log.warn({ err, messages: messages.length, reactions: reactions.length }, 'push: finding recipients failed; these messages and reactions are not pushed');
      }
    }
    this.dispatching = undefined;
  }

  /** Five queries at most, whatever the batch holds: blocks, recipients (two), chat and user names. */
  private async jobsFor(messages: MessageRow[], reactions: StoredReaction[]): Promise<PushJob[]> {
    const { store, presence } = this.deps;
    const told = await reactionsToTell(store.db, reactions);
    const authors = new Map(told.map((r) => [`${r.chatId}:${r.message.sender_id}`, { chatId: r.chatId, userId: r.message.sender_id }]));
    const audience = { chatIds: [...new Set(messages.map((m) => m.chat_id))], members: [...authors.values()] };
    const recipients = await findPushRecipients(store, presence, audience, Date.now());
    const planned = [...planMessagePushes(recipients, messages), ...planReactionPushes(recipients, told)];
    if (planned.length === 0) return [];
    const { chats, users } = await loadNames(store, planned);
    return planned.flatMap((push) => {
      const chat = chats.get(push.chatId);
      if (!chat) return []; // deleted meanwhile
      const payload = push.payload(chat, users.get(push.namedUserId) ?? '');
      return [{ deviceId: push.recipient.device_id, target: push.recipient, payload: JSON.stringify(payload), topic: push.topic }];
    });
  }

  private settled(job: PushJob, outcome: PushOutcome | 'dropped'): void {
    this.deps.metrics.pushes.inc({ outcome });
    if (outcome === 'refused') this.deps.log.warn({ deviceId: job.deviceId, endpoint: job.target.endpoint }, 'push: endpoint is not on a public address; subscription dropped');
    if (outcome !== 'gone' && outcome !== 'refused') return;
    // The push service forgot the subscription (unsubscribed, app data cleared), or it can never
    // be reached from here: either way it goes.
    void this.deps.store.db.deleteFrom('push_subscriptions')
      .where('device_id', '=', job.deviceId).where('endpoint', '=', job.target.endpoint).execute()
      .catch((err: unknown) => this.deps.log.warn({ err }, 'push: removing a gone subscription failed'));
  }
}

async function loadNames(store: Store, pushes: PlannedPush[]) {
  const chatIds = [...new Set(pushes.map((p) => p.chatId))];
  const userIds = [...new Set(pushes.map((p) => p.namedUserId))];
  const [chatRows, userRows] = await Promise.all([
    store.db.selectFrom('chats').select(['id', 'type', 'name']).where('id', 'in', chatIds).execute(),
    store.db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', userIds).execute(),
  ]);
  return {
    chats: new Map(chatRows.map((c) => [c.id, c])),
    users: new Map(userRows.map((u) => [u.id, u.display_name])),
  };
}
