import { findBlockedPairs } from '../contacts/blocks.js';
import type { Db } from '../store/Store.js';
import type { MessageRow } from '../store/schema.js';
import { reactionPushPayload, topicOf, type PlannedPush } from './pushPayload.js';
import type { PushRecipient } from './pushRecipients.js';

/** A reaction set (added or changed, never removed) and committed. */
export interface StoredReaction {
  chatId: string;
  reactorId: string;
  emoji: string;
  /** The message reacted to, as it was when the reaction committed: its author is the one told. */
  message: MessageRow;
}

/**
 * The reactions whose authors may hear of them: not their own, and not between two people one of
 * whom has blocked the other (the rule blocks keep everywhere). One query for the whole batch.
 */
export async function reactionsToTell(db: Db, reactions: StoredReaction[]): Promise<StoredReaction[]> {
  const others = reactions.filter((r) => r.reactorId !== r.message.sender_id);
  const blocked = await findBlockedPairs(db, others.map((r) => [r.message.sender_id, r.reactorId]));
  return others.filter((r) => !blocked.has(`${r.message.sender_id}:${r.reactorId}`));
}

/**
 * Per recipient device and chat one push: the newest reaction to their messages there. The push
 * service and the notification keep only the newest per chat anyway.
 */
export function planReactionPushes(recipients: PushRecipient[], reactions: StoredReaction[]): PlannedPush[] {
  const newestPerAuthor = new Map<string, StoredReaction>();
  for (const r of reactions) newestPerAuthor.set(`${r.chatId}:${r.message.sender_id}`, r);
  return recipients.flatMap((recipient): PlannedPush[] => {
    const reaction = newestPerAuthor.get(`${recipient.chat_id}:${recipient.user_id}`);
    if (!reaction) return [];
    return [{
      recipient,
      chatId: reaction.chatId,
      namedUserId: reaction.reactorId,
      topic: topicOf(reaction.chatId, 'reaction'),
      payload: (chat, name) => reactionPushPayload(chat, reaction, name, recipient.previews === 1),
    }];
  });
}
