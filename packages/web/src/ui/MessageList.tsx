import { forwardRef, useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState } from 'react';
import { Virtuoso, type ListRange, type VirtuosoHandle } from 'react-virtuoso';
import type { Chat, Message } from '@parley/client';
import { shownMessages } from '../state/AppState.js';
import { useApp, useStore } from '../state/useApp.js';
import { sameDay } from '../text/format.js';
import { memberName } from './chatTitle.js';
import { IconDown } from './icons.js';
import { MessageBubble, type Quote } from './MessageBubble.js';
import { buildRows, sameGroup, type Row } from './messageRows.js';
import { previewText } from './media/previewText.js';
import { useMessageJump, type MessageJump } from './useMessageJump.js';
import { pageAttended } from '../notices/pageAttended.js';

/** Virtuoso keeps absolute indexes; prepending older pages lowers the first one. */
const FIRST_INDEX = 1_000_000_000;
const EMPTY: readonly never[] = [];

export interface MessageListHandle {
  scrollToNewest(): void;
}

interface MessageListProps {
  chat: Chat;
  /** A message to take the user to (a search hit). */
  jump?: MessageJump;
  onReply(message: Message): void;
  onEdit(message: Message): void;
  onDelete(message: Message): void;
}

/**
 * The chat's messages in a virtualized list (only what is on screen is in the DOM, so 10,000
 * messages scroll like 10): opens at the newest, follows new messages while at the bottom,
 * loads older pages at the top, and marks what scrolls into view as read. Jumped to a message
 * far back, it shows the detached window around it and loads newer pages at the bottom too,
 * until the window joins the live end.
 */
export const MessageList = forwardRef<MessageListHandle, MessageListProps>(function MessageList({ chat, jump, onReply, onEdit, onDelete }, ref) {
  const store = useStore();
  const me = useApp((s) => s.me.id);
  const messages = useApp((s) => shownMessages(s, chat.id) ?? EMPTY);
  const detached = useApp((s) => s.detached[chat.id] !== undefined);
  // Own messages still on their way belong at the live end, not under a window far back.
  const pending = useApp((s) => (detached ? EMPTY : s.pending[chat.id] ?? EMPTY));
  const receipts = useApp((s) => s.receipts);
  const loadingOlder = useApp((s) => s.loadingOlder[chat.id] ?? false);
  const loadingNewer = useApp((s) => s.loadingNewer[chat.id] ?? false);
  const attended = useAttended();
  const virtuoso = useRef<VirtuosoHandle>(null);
  const scroller = useRef<HTMLElement | null>(null);
  const [atBottom, setAtBottom] = useState(true);

  const rows = useMemo(() => buildRows(messages, pending, me), [messages, pending, me]);
  const { opening, highlighted, announcement, hiddenIds, showQuoted, toNewest } = useMessageJump(chat, jump, rows, scroller);
  const byId = useMemo(() => new Map(messages.map((m) => [m.id, m])), [messages]);
  const first = useRef({ index: FIRST_INDEX, key: rows[0]?.key });
  if (rows[0]?.key !== first.current.key) {
    const moved = rows.findIndex((r) => r.key === first.current.key);
    if (moved > 0) first.current.index -= moved;
    first.current.key = rows[0]?.key;
  }
  const firstItemIndex = first.current.index;

  const scrollToNewest = useCallback(() => {
    if (detached) toNewest();
    else virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end', behavior: 'auto' });
  }, [detached, toNewest]);
  useImperativeHandle(ref, () => ({ scrollToNewest }), [scrollToNewest]);
  useEffect(() => {
    if (opening.focus) scroller.current?.focus({ preventScroll: true });
  }, [opening]);

  // Joining the live end puts everything loaded below the window at once: not new messages to
  // follow. Only rows added after the join are, judged by the row count and not by which render
  // Virtuoso happens to ask in (it may ask after the join's render, once the new rows are measured).
  const rowCount = useRef(rows.length);
  rowCount.current = rows.length;
  const joinedAt = useRef(detached ? Infinity : 0);
  if (detached) joinedAt.current = Infinity;
  else if (joinedAt.current === Infinity) joinedAt.current = rows.length;
  const followOutput = useCallback((bottom: boolean) => (bottom && rowCount.current > joinedAt.current ? 'auto' : false), []);

  // What is on screen at the bottom of the live end is read, as long as someone looks at the page:
  // a background tab, or a window behind another app, gets notices instead and reads on return.
  const newestSeq = messages[messages.length - 1]?.seq ?? 0;
  const atNewest = atBottom && !detached;
  useEffect(() => {
    store.watch(atNewest && attended ? chat.id : undefined);
    if (atNewest && attended && newestSeq > 0) store.markRead(chat.id, newestSeq);
    return () => store.watch(undefined);
  }, [store, chat.id, atNewest, attended, newestSeq]);
  const rangeChanged = useCallback((range: ListRange) => {
    if (!pageAttended()) return;
    let seq = 0;
    for (let i = range.endIndex; i >= range.startIndex && seq === 0; i--) seq = rows[i - firstItemIndex]?.message?.seq ?? 0;
    if (seq > 0) store.markRead(chat.id, seq);
  }, [rows, firstItemIndex, store, chat.id]);

  // The quoted message as loaded, else as the reply's quote carries it (it may lie far back, unloaded).
  // Choosing it takes the search hit's path: a window around it if need be, centred, highlighted.
  // A quote read from the server says whether its message is deleted for me; one that came live does
  // not (the frame is every member's): that shows once the message is loaded or looked up.
  const quoteOf = useCallback((replyTo: string, carried: Message['quote']): Quote => {
    const quoted = byId.get(replyTo);
    const senderId = quoted?.senderId ?? carried?.senderId;
    const hidden = quoted?.hidden === true || carried?.hidden === true || hiddenIds.has(replyTo);
    const deleted = hidden || (quoted ? quoted.deletedAt !== undefined : carried?.deleted === true);
    const text = deleted ? 'Message deleted' : quoted ? previewText(quoted) : carried ? quoteText(carried) : 'An earlier message';
    return {
      name: senderId === undefined ? 'Reply' : senderId === me ? 'You' : memberName(chat, senderId),
      text,
      // A message deleted (for everyone, or for me) has nothing to show.
      jump: deleted ? undefined : () => void showQuoted(replyTo),
    };
  }, [byId, hiddenIds, me, chat, showQuoted]);

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
        quote={row.replyTo ? quoteOf(row.replyTo, row.message?.quote) : undefined}
        highlighted={message !== undefined && message.seq === highlighted}
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
          key={opening.key}
          ref={virtuoso}
          scrollerRef={(el) => (scroller.current = el instanceof HTMLElement ? el : null)}
          className="message-scroller"
          aria-label="Messages"
          tabIndex={0}
          data={rows}
          context={{ receipts, loadingOlder, hasOlder, loadingNewer }}
          firstItemIndex={firstItemIndex}
          initialTopMostItemIndex={opening.at}
          computeItemKey={(_, row) => row.key}
          itemContent={itemContent}
          followOutput={followOutput}
          alignToBottom
          atBottomThreshold={64}
          atBottomStateChange={setAtBottom}
          startReached={() => void store.history.loadOlder(chat.id).catch(() => {})}
          endReached={() => detached && void store.history.loadNewer(chat.id).catch(() => {})}
          rangeChanged={rangeChanged}
          increaseViewportBy={{ top: 600, bottom: 300 }}
          components={LIST_PARTS}
        />
      )}
      <div className="visually-hidden" aria-live="polite">{announcement}</div>
      {(!atBottom || detached) && (
        <button type="button" className="jump-newest" onClick={scrollToNewest} aria-label="Jump to newest messages">
          <IconDown />
          {chat.unreadCount > 0 && <span className="badge">{chat.unreadCount}</span>}
        </button>
      )}
    </div>
  );
});

/** A quote's one line from what it carries: the start of the text or caption, or the place's name. */
function quoteText(quote: NonNullable<Message['quote']>): string {
  if (quote.type === 'location') return `📍 ${quote.snippet || 'Location'}`;
  return previewText({ type: quote.type, content: quote.snippet });
}

interface ListContext { receipts: number; loadingOlder: boolean; hasOlder: boolean; loadingNewer: boolean }

const LIST_PARTS = {
  Header: ({ context }: { context: ListContext }) => (
    <div className="list-header muted">
      {context.loadingOlder ? 'Loading earlier messages…' : context.hasOlder ? '' : 'This is the beginning of the chat.'}
    </div>
  ),
  Footer: ({ context }: { context: ListContext }) => (
    <div className="list-footer muted">{context.loadingNewer ? 'Loading later messages…' : ''}</div>
  ),
};

/** Whether someone looks at the page (pageAttended), kept up to date as the tab and window change. */
function useAttended(): boolean {
  const [attended, setAttended] = useState(pageAttended);
  useEffect(() => {
    const changed = () => setAttended(pageAttended());
    document.addEventListener('visibilitychange', changed);
    window.addEventListener('focus', changed);
    window.addEventListener('blur', changed);
    return () => {
      document.removeEventListener('visibilitychange', changed);
      window.removeEventListener('focus', changed);
      window.removeEventListener('blur', changed);
    };
  }, []);
  return attended;
}
