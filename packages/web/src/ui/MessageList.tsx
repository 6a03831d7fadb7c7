import { forwardRef, useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState } from 'react';
import { Virtuoso, type ListRange, type VirtuosoHandle } from 'react-virtuoso';
import type { Chat, Message } from '@parley/client';
import { useApp, useStore } from '../state/useApp.js';
import { sameDay } from '../text/format.js';
import { memberName } from './chatTitle.js';
import { IconDown } from './icons.js';
import { MessageBubble, type Quote } from './MessageBubble.js';
import { buildRows, sameGroup, type Row } from './messageRows.js';
import { previewText } from './media/previewText.js';

/** Virtuoso keeps absolute indexes; prepending older pages lowers the first one. */
const FIRST_INDEX = 1_000_000_000;
const EMPTY: readonly never[] = [];

export interface MessageListHandle {
  scrollToNewest(): void;
}

interface MessageListProps {
  chat: Chat;
  onReply(message: Message): void;
  onEdit(message: Message): void;
  onDelete(message: Message): void;
}

/**
 * The chat's messages in a virtualized list (only what is on screen is in the DOM, so 10,000
 * messages scroll like 10): opens at the newest, follows new messages while at the bottom,
 * loads older pages at the top, and marks what scrolls into view as read.
 */
export const MessageList = forwardRef<MessageListHandle, MessageListProps>(function MessageList({ chat, onReply, onEdit, onDelete }, ref) {
  const store = useStore();
  const me = useApp((s) => s.me.id);
  const messages = useApp((s) => s.messages[chat.id] ?? EMPTY);
  const pending = useApp((s) => s.pending[chat.id] ?? EMPTY);
  const receipts = useApp((s) => s.receipts);
  const loadingOlder = useApp((s) => s.loadingOlder[chat.id] ?? false);
  const visible = useVisible();
  const virtuoso = useRef<VirtuosoHandle>(null);
  const [atBottom, setAtBottom] = useState(true);

  const rows = useMemo(() => buildRows(messages, pending, me), [messages, pending, me]);
  const byId = useMemo(() => new Map(messages.map((m) => [m.id, m])), [messages]);
  const first = useRef({ index: FIRST_INDEX, key: rows[0]?.key });
  if (rows[0]?.key !== first.current.key) {
    const moved = rows.findIndex((r) => r.key === first.current.key);
    if (moved > 0) first.current.index -= moved;
    first.current.key = rows[0]?.key;
  }
  const firstItemIndex = first.current.index;

  const scrollToNewest = useCallback(() => {
    virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end', behavior: 'auto' });
  }, []);
  useImperativeHandle(ref, () => ({ scrollToNewest }), [scrollToNewest]);

  // What is on screen at the bottom is read, as long as the page is visible.
  const newestSeq = messages[messages.length - 1]?.seq ?? 0;
  useEffect(() => {
    store.watch(atBottom && visible ? chat.id : undefined);
    if (atBottom && visible && newestSeq > 0) store.markRead(chat.id, newestSeq);
    return () => store.watch(undefined);
  }, [store, chat.id, atBottom, visible, newestSeq]);
  const rangeChanged = useCallback((range: ListRange) => {
    if (document.visibilityState !== 'visible') return;
    let seq = 0;
    for (let i = range.endIndex; i >= range.startIndex && seq === 0; i--) seq = rows[i - firstItemIndex]?.message?.seq ?? 0;
    if (seq > 0) store.markRead(chat.id, seq);
  }, [rows, firstItemIndex, store, chat.id]);

  const quoteOf = useCallback((replyTo: string): Quote => {
    const quoted = byId.get(replyTo);
    if (!quoted) return { name: 'Reply', text: 'An earlier message' };
    const at = rows.findIndex((r) => r.message?.id === replyTo);
    return {
      name: quoted.senderId === me ? 'You' : memberName(chat, quoted.senderId),
      text: quoted.deletedAt ? 'Message deleted' : previewText(quoted),
      jump: at < 0 ? undefined : () => virtuoso.current?.scrollToIndex({ index: at + firstItemIndex, align: 'center', behavior: 'smooth' }),
    };
  }, [byId, rows, me, chat, firstItemIndex]);

  const itemContent = (index: number, row: Row) => {
    const i = index - firstItemIndex;
    const prev = rows[i - 1];
    const next = rows[i + 1];
    const own = row.senderId === me;
    const firstOfGroup = !sameGroup(prev, row) || !sameDay(prev!.createdAt, row.createdAt);
    const status = !own ? undefined : row.local ? row.local.status : store.client.statusOf(row.message!);
    const message = row.message;
    const live = message && message.deletedAt === undefined ? message : undefined;
    return (
      <MessageBubble
        row={row}
        own={own}
        senderName={chat.type === 'group' && !own && firstOfGroup ? memberName(chat, row.senderId) : undefined}
        day={!prev || !sameDay(prev.createdAt, row.createdAt) ? row.createdAt : undefined}
        firstOfGroup={firstOfGroup}
        lastOfGroup={!sameGroup(row, next)}
        status={status}
        quote={row.replyTo ? quoteOf(row.replyTo) : undefined}
        onReply={live ? () => onReply(live) : undefined}
        onEdit={live && own && live.type === 'text' ? () => onEdit(live) : undefined}
        onDelete={live ? () => onDelete(live) : undefined}
        onDiscard={row.local?.status === 'failed' ? () => store.discard(chat.id, row.local!.clientMsgId) : undefined}
      />
    );
  };

  const hasOlder = (messages[0]?.seq ?? 1) > 1;
  return (
    <div className="message-list">
      {rows.length === 0 ? (
        <div className="message-list-empty muted">No messages yet. Say hello!</div>
      ) : (
        <Virtuoso
          ref={virtuoso}
          className="message-scroller"
          aria-label="Messages"
          tabIndex={0}
          data={rows}
          context={{ receipts, loadingOlder, hasOlder }}
          firstItemIndex={firstItemIndex}
          initialTopMostItemIndex={{ index: 'LAST', align: 'end' }}
          computeItemKey={(_, row) => row.key}
          itemContent={itemContent}
          followOutput={(bottom) => (bottom ? 'auto' : false)}
          alignToBottom
          atBottomThreshold={64}
          atBottomStateChange={setAtBottom}
          startReached={() => void store.history.loadOlder(chat.id).catch(() => {})}
          rangeChanged={rangeChanged}
          increaseViewportBy={{ top: 600, bottom: 300 }}
          components={LIST_PARTS}
        />
      )}
      {!atBottom && (
        <button type="button" className="jump-newest" onClick={scrollToNewest} aria-label="Jump to newest messages">
          <IconDown />
          {chat.unreadCount > 0 && <span className="badge">{chat.unreadCount}</span>}
        </button>
      )}
    </div>
  );
});

interface ListContext { receipts: number; loadingOlder: boolean; hasOlder: boolean }

const LIST_PARTS = {
  Header: ({ context }: { context: ListContext }) => (
    <div className="list-header muted">
      {context.loadingOlder ? 'Loading earlier messages…' : context.hasOlder ? '' : 'This is the beginning of the chat.'}
    </div>
  ),
  Footer: () => <div className="list-footer" />,
};

/** Whether the page is on screen (a background tab does not read messages). */
function useVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState === 'visible');
  useEffect(() => {
    const changed = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', changed);
    return () => document.removeEventListener('visibilitychange', changed);
  }, []);
  return visible;
}
