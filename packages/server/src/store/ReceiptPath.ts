import type { Db } from './Store.js';

/**
 * What the receipt write path (receipts/applyReceipts) asks of the database, as each adapter does
 * it best: SQLite a few in-process statements in its transaction, PostgreSQL one statement a step
 * with the keys as arrays, so a batch costs two round trips whatever its size. Checking the
 * requests and collapsing them to one mark per (chat, member) stay with the caller.
 */
export interface ReceiptPath {
  /** Each chat's newest seq and member count, and the stored cursors of each pair that is a member. */
  lookUpReceiptBatch(db: Db, chatIds: string[], pairs: ReceiptPair[]): Promise<ReceiptBatchFound>;
  /**
   * Raises each pair's cursors to what it asks for, never lowers one, atomically, and reports them
   * as they were right before (another node may have moved them since the lookup) and after. For
   * a `detailed` pair that moved, also logs the ranges each cursor moved over at `now`, and returns
   * its chat's members. A pair that is no longer a member is left out.
   */
  raiseReceiptCursors(db: Db, raises: CursorRaise[], now: number): Promise<RaisedCursors>;
}

export interface ReceiptPair {
  chatId: string;
  userId: string;
}

export interface Cursor {
  delivered: number;
  read: number;
}

export interface ReceiptBatchFound {
  chats: Map<string, { lastSeq: number; memberCount: number }>;
  /** By pairKey; a pair that is not a member is absent. */
  cursors: Map<string, Cursor>;
}

export interface CursorRaise extends ReceiptPair, Cursor {
  /** The chat is small enough to keep who got and read what, and when (RECEIPTS_DETAIL_MAX). */
  detailed: boolean;
}

export interface RaisedCursor {
  before: Cursor;
  after: Cursor;
  /** Messages from others past `after.read`, not deleted: unread as chats/unreadByMember counts it. */
  unread: number;
}

export interface RaisedCursors {
  /** By pairKey. */
  cursors: Map<string, RaisedCursor>;
  /** By chat, for each detailed chat in which a cursor moved. */
  memberIds: Map<string, string[]>;
}

export const pairKey = (chatId: string, userId: string) => `${chatId}\u0000${userId}`;
