import type { BusEvent } from '../bus/Bus.js';
import type { Context } from '../context.js';
import { loadChatViews, presentChat } from './chatViews.js';

/** After a commit: every member gets the chat as they see it, and `removed` users learn they are out. */
export async function publishChatChange(ctx: Context, chatId: string, removedUserIds: string[] = []): Promise<void> {
  const [view] = await loadChatViews(ctx, [chatId]);
  const events: BusEvent[] = [];
  if (view) {
    for (const member of view.members) {
      events.push({ kind: 'frame', userIds: [member.userId], frame: { type: 'chat', chat: presentChat(view, member.userId) } });
    }
  }
  if (removedUserIds.length > 0) {
    events.push({ kind: 'frame', userIds: removedUserIds, frame: { type: 'chat.removed', chatId } });
  }
  ctx.bus.publish(events);
}
