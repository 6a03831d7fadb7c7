import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { PushConfig } from '../config.js';
import type { Metrics } from '../metrics.js';
import type { Presence } from '../presence/Presence.js';
import type { Store } from '../store/Store.js';
import type { MessageRow } from '../store/schema.js';
import { pushPayload } from './pushPayload.js';
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

/** Messages per dispatch: bounds the queries' id lists. */
const MAX_DISPATCH = 2000;

type Subscriber = Awaited<ReturnType<typeof loadSubscribers>>[number];

/**
 * Web Push for users who are not connected (docs/notifications.md). Committed messages are
 * handed over after their fan-out and dispatched in batches, one at a time, those arriving
 * meanwhile forming the next: a fixed number of queries per batch, never per message or
 * recipient, and never on the commit path.
 */
export class PushNotifier {
  private pending: MessageRow[] = [];
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
    this.pending.push(...messages);
    this.dispatching ??= this.dispatchAll();
  }

  /** Settles when everything handed over so far has been pushed or given up on. */
  async idle(): Promise<void> {
    while (this.dispatching) await this.dispatching;
    await this.queue.idle();
  }

  async close(): Promise<void> {
    this.pending = [];
    await this.dispatching;
    await this.queue.close();
    this.sender.close();
  }

  private async dispatchAll(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_DISPATCH);
      try {
        this.queue.add(await this.jobsFor(batch));
      } catch (err) {
        this.deps.log.warn({ err, messages: batch.length }, 'push: finding recipients failed; these messages are not pushed');
      }
    }
    this.dispatching = undefined;
  }

  private async jobsFor(messages: MessageRow[]): Promise<PushJob[]> {
    const byChat = new Map<string, MessageRow[]>();
    for (const m of messages) (byChat.get(m.chat_id) ?? byChat.set(m.chat_id, []).get(m.chat_id)!).push(m);
    const subscribers = await loadSubscribers(this.deps.store, [...byChat.keys()], Date.now());
    if (subscribers.length === 0) return [];
    const connected = await this.deps.presence.connectedAmong([...new Set(subscribers.map((s) => s.user_id))]);
    const wanted: Array<{ sub: Subscriber; newest: MessageRow; count: number }> = [];
    for (const sub of subscribers) {
      if (connected.has(sub.user_id) && sub.chosen_status !== 'away') continue;
      const theirs = byChat.get(sub.chat_id)!.filter((m) => m.sender_id !== sub.user_id);
      if (theirs.length > 0) wanted.push({ sub, newest: theirs[theirs.length - 1]!, count: theirs.length });
    }
    if (wanted.length === 0) return [];
    const { chats, senders } = await loadNames(this.deps.store, wanted.map((w) => w.newest));
    return wanted.flatMap(({ sub, newest, count }) => {
      const chat = chats.get(sub.chat_id);
      if (!chat) return []; // deleted meanwhile
      const payload = pushPayload(chat, newest, senders.get(newest.sender_id) ?? '', count, sub.previews === 1);
      return [{ deviceId: sub.device_id, target: sub, payload: JSON.stringify(payload), topic: topicOf(chat.id) }];
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

/** Every subscribed device of the chats' members who have not muted them now. */
function loadSubscribers(store: Store, chatIds: string[], now: number) {
  return store.db
    .selectFrom('chat_members as cm')
    .innerJoin('push_subscriptions as ps', 'ps.user_id', 'cm.user_id')
    .innerJoin('users as u', 'u.id', 'cm.user_id')
    .select(['cm.chat_id', 'cm.user_id', 'ps.device_id', 'ps.endpoint', 'ps.p256dh', 'ps.auth', 'ps.previews', 'u.chosen_status'])
    .where('cm.chat_id', 'in', chatIds)
    .where((eb) => eb.or([eb('cm.muted_until', 'is', null), eb('cm.muted_until', '<=', now)]))
    .execute();
}

async function loadNames(store: Store, messages: MessageRow[]) {
  const chatIds = [...new Set(messages.map((m) => m.chat_id))];
  const senderIds = [...new Set(messages.map((m) => m.sender_id))];
  const [chatRows, senderRows] = await Promise.all([
    store.db.selectFrom('chats').select(['id', 'type', 'name']).where('id', 'in', chatIds).execute(),
    store.db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', senderIds).execute(),
  ]);
  return {
    chats: new Map(chatRows.map((c) => [c.id, c])),
    senders: new Map(senderRows.map((u) => [u.id, u.display_name])),
  };
}

/** Push services keep only the newest undelivered push per topic: one per chat. At most 32 base64url characters. */
const topicOf = (chatId: string): string => createHash('sha256').update(chatId).digest('base64url').slice(0, 32);
