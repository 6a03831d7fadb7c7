import { memo } from 'react';
import type { MessageStatus } from '@parley/client';
import { clockTime, dayLabel, hue } from '../text/format.js';
import { IconReply } from './icons.js';
import { MessageMedia } from './media/MessageMedia.js';
import { useMessageExtras } from './media/useMessageExtras.js';
import { MessageMenu, type MessageAction } from './MessageMenu.js';
import { MessageText } from './MessageText.js';
import type { Row } from './messageRows.js';
import { Tick } from './Tick.js';

export interface Quote {
  name: string;
  text: string;
  /** Shows the quoted message wherever it is in history; absent once it is deleted (the quote is then not a button to press). */
  jump?: () => void;
}

interface MessageBubbleProps {
  row: Row;
  own: boolean;
  /** Group chats: whose bubble it is (first of a run only). */
  senderName?: string;
  /** A day separator above (first message of a day). */
  day?: string;
  firstOfGroup: boolean;
  lastOfGroup: boolean;
  status?: MessageStatus;
  quote?: Quote;
  /** Just jumped to (a search hit): marked for a moment so the eye finds it. */
  highlighted?: boolean;
  onReply?: () => void;
  /** Own text messages: opens the edit dialog. */
  onEdit?: () => void;
  /** Opens the delete dialog (for everyone / for me). */
  onDelete?: () => void;
  onDiscard?: () => void;
}

/** One message: bubble, quoted reply, text with safe links, time and ticks, and its actions. */
export const MessageBubble = memo(function MessageBubble(props: MessageBubbleProps) {
  const { row, own, senderName, day, firstOfGroup, lastOfGroup, status, quote, highlighted, onReply, onEdit, onDelete, onDiscard } = props;
  const deleted = row.message?.deletedAt !== undefined;
  const edited = row.message?.editedAt !== undefined && !deleted;
  // The bubble's menu; features add their entries here ("React", "Forward", …).
  const actions: MessageAction[] = [];
  if (onReply) actions.push({ label: 'Reply', run: onReply });
  const extras = useMessageExtras(row.message, own);
  actions.push(...extras.actions);
  if (onEdit) actions.push({ label: 'Edit', run: onEdit });
  if (onDelete) actions.push({ label: 'Delete', run: onDelete, danger: true });
  return (
    <div className="message-row-wrap">
      {day && (
        <div className="day-separator" role="separator">
          <span>{dayLabel(day)}</span>
        </div>
      )}
      <div className={`message-row ${own ? 'own' : 'other'} ${firstOfGroup ? 'first' : ''} ${lastOfGroup ? 'last' : ''} ${highlighted ? 'highlighted' : ''}`} data-testid="message" data-seq={row.message?.seq} data-highlighted={highlighted || undefined}>
        <div className={`bubble ${deleted ? 'deleted' : ''}`}>
          {senderName && (
            <div className="bubble-sender" style={{ ['--name-hue' as string]: hue(row.senderId) }}>{senderName}</div>
          )}
          {quote && (
            <button type="button" className="quote" onClick={quote.jump} disabled={!quote.jump} aria-label={`Reply to ${quote.name}: ${quote.text}`}>
              <span className="quote-name">{quote.name}</span>
              <span className="quote-text">{quote.text}</span>
            </button>
          )}
          <MessageMedia row={row} />
          <div className="bubble-text" data-testid="message-text">
            {deleted ? <em>This message was deleted</em> : <MessageText text={row.content} />}
            <span className="bubble-meta-spacer" aria-hidden="true" />
          </div>
          <span className="bubble-meta">
            {edited && <span className="edited">edited</span>}
            <time dateTime={row.createdAt}>{clockTime(row.createdAt)}</time>
            {status && <Tick status={status} />}
          </span>
        </div>
        {!deleted && (
          <div className="message-actions">
            {status === 'failed' && onDiscard && (
              <button type="button" className="icon-button small danger" onClick={onDiscard} aria-label="Remove unsent message" title={row.local?.error?.message ?? 'Not sent'}>
                ×
              </button>
            )}
            {onReply && (
              <button type="button" className="icon-button small" onClick={onReply} aria-label="Reply" title="Reply">
                <IconReply width={16} height={16} />
              </button>
            )}
            <MessageMenu actions={actions} />
          </div>
        )}
      </div>
      {extras.below}
    </div>
  );
});
