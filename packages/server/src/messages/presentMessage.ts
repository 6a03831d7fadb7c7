import { LIMITS, type MediaFile, type Message, type Quote, type Reaction } from '@parley/protocol';
import { iso } from '../accounts/presentUser.js';
import type { MessageRow } from '../store/schema.js';

/** What a message shows besides its own row, loaded for a whole page at once (loadMessageDetails). */
export interface MessageDetails {
  /** Presented (URLs signed) by media id. */
  media: Map<string, MediaFile>;
  /** The quoted message of a reply, by `chatId:messageId`. */
  quotes: Map<string, Quote>;
  /** By `chatId:seq`. */
  reactions: Map<string, Reaction[]>;
  /** Messages the viewer deleted for themselves, by `chatId:seq` → the hide's change seq. */
  hidden: Map<string, number>;
}

export const emptyDetails = (): MessageDetails => ({ media: new Map(), quotes: new Map(), reactions: new Map(), hidden: new Map() });
export const NO_DETAILS: MessageDetails = emptyDetails();
export const seqKey = (chatId: string, seq: number): string => `${chatId}:${seq}`;
export const idKey = (chatId: string, id: string): string => `${chatId}:${id}`;

export function presentMessage(row: MessageRow, details: MessageDetails = NO_DETAILS): Message {
  const seq = Number(row.seq);
  const message: Message = {
    id: row.id,
    chatId: row.chat_id,
    seq,
    senderId: row.sender_id,
    type: row.type as Message['type'],
    // A message deleted for everyone stays as a tombstone: its seq keeps the order gapless.
    content: row.deleted_at ? '' : row.content,
    createdAt: iso(row.created_at),
  };
  if (row.client_msg_id) message.clientMsgId = row.client_msg_id;
  const changeSeq = Number(row.change_seq ?? 0);
  const hiddenAt = details.hidden.get(seqKey(row.chat_id, seq));
  if (hiddenAt !== undefined) {
    message.content = '';
    message.hidden = true;
    message.changeSeq = Math.max(changeSeq, hiddenAt);
    return message;
  }
  if (changeSeq > 0) message.changeSeq = changeSeq;
  if (row.edited_at) message.editedAt = iso(row.edited_at);
  if (row.deleted_at) {
    message.deletedAt = iso(row.deleted_at);
    return message;
  }
  if (row.reply_to) {
    message.replyTo = row.reply_to;
    const quote = details.quotes.get(idKey(row.chat_id, row.reply_to));
    if (quote) message.quote = quote;
  }
  const media = row.media_id ? details.media.get(row.media_id) : undefined;
  if (media) message.media = media;
  if (row.location_lat !== null && row.location_lat !== undefined && row.location_lng !== null && row.location_lng !== undefined) {
    message.location = { lat: Number(row.location_lat), lng: Number(row.location_lng) };
    if (row.location_name) message.location.name = row.location_name;
  }
  const reactions = details.reactions.get(seqKey(row.chat_id, seq));
  if (reactions?.length) message.reactions = reactions;
  if (row.forwarded) message.forwarded = true;
  return message;
}

/** What a reply shows of the message it answers, to a viewer who may have deleted that for themselves. */
export function presentQuote(row: Pick<MessageRow, 'id' | 'sender_id' | 'type' | 'content' | 'deleted_at' | 'location_name'>, hiddenFromViewer = false): Quote {
  const quote: Quote = { messageId: row.id, senderId: row.sender_id, type: row.type as Quote['type'], snippet: '' };
  if (row.deleted_at) quote.deleted = true;
  else if (hiddenFromViewer) quote.hidden = true;
  else quote.snippet = snippetOf(row.content || row.location_name || '');
  return quote;
}

/** The first characters, cut between code points (never inside an emoji's surrogate pair). */
const snippetOf = (text: string): string => Array.from(text.trim()).slice(0, LIMITS.quoteSnippetMax).join('');
