import type { Db } from '../store/Store.js';
import type { MessageRow } from '../store/schema.js';

/** Chat ids read per statement: a user's memberships and departures, a page at a time. */
const CHATS_PER_STATEMENT = 500;

export interface SentMessageScan {
  /** Rows a page, and at most a statement. */
  pageSize: number;
  /** Seqs of one chat a statement (Config.accountScanWindow). */
  window: number;
  /** Only messages whose deleted_at is this (null: not deleted); every one when left out. */
  deletedAt?: number | null;
  /**
   * Let the event loop run after each statement: for walks outside a transaction. On SQLite a
   * statement runs on the event loop and awaiting it is only a microtask, so a walk over a long
   * chat would otherwise hold every socket of the server until it ended. Inside a transaction
   * the connection is held for the walk anyway, so there it only makes the transaction longer.
   */
  yieldBetweenWindows: boolean;
}

/**
 * The messages one user sent, by (chat_id, seq), in pages of at most `scan.pageSize`: for their
 * data export and for account deletion. `messages` has no index led by the sender (it would cost
 * the write path about one more B-tree page per message), and filtering by sender alone reads the
 * whole table. So this reads only the chats the user may have sent in, their memberships and the
 * groups they left (chat_departures), each from seq 1 to its last_seq, `scan.window` seqs a
 * statement by the primary key: no statement's work grows with the table or with one long chat,
 * and the walk's grows with the user's chats only.
 */
export async function* sentMessagePages(db: Db, userId: string, scan: SentMessageScan): AsyncGenerator<MessageRow[]> {
  let page: MessageRow[] = [];
  for await (const chat of chatsSentIn(db, userId)) {
    let after = 0;
    while (after < chat.lastSeq) {
      const end = Math.min(after + scan.window, chat.lastSeq);
      const room = scan.pageSize - page.length;
      const rows = await windowOf(db, userId, { chatId: chat.id, after, end, limit: room, deletedAt: scan.deletedAt });
      page.push(...rows);
      // A page that filled up may have stopped short of the window's end: go on from its last row.
      after = rows.length === room ? Number(rows[rows.length - 1]!.seq) : end;
      if (page.length === scan.pageSize) {
        yield page;
        page = [];
      }
      if (scan.yieldBetweenWindows) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  if (page.length > 0) yield page;
}

interface SeqWindow {
  chatId: string;
  after: number;
  end: number;
  limit: number;
  deletedAt: number | null | undefined;
}

/** The user's messages among seqs (after, end] of one chat: a range of the primary key. */
function windowOf(db: Db, userId: string, w: SeqWindow): Promise<MessageRow[]> {
  let q = db
    .selectFrom('messages')
    .selectAll()
    .where('chat_id', '=', w.chatId)
    .where('seq', '>', w.after)
    .where('seq', '<=', w.end)
    .where('sender_id', '=', userId);
  if (w.deletedAt === null) q = q.where('deleted_at', 'is', null);
  else if (w.deletedAt !== undefined) q = q.where('deleted_at', '=', w.deletedAt);
  return q.orderBy('seq').limit(w.limit).execute();
}

/**
 * The chats the user is a member of or left, by id, with the seq of each one's newest message.
 * Private chats cannot be left, so memberships cover them. A message stored after its chat was
 * listed is past the walk's end, as one stored after the last statement of a walk always was.
 */
async function* chatsSentIn(db: Db, userId: string): AsyncGenerator<{ id: string; lastSeq: number }> {
  let after = '';
  for (;;) {
    const ids = await db
      .selectFrom('chat_members')
      .select('chat_id')
      .where('user_id', '=', userId)
      .where('chat_id', '>', after)
      .union(db.selectFrom('chat_departures').select('chat_id').where('user_id', '=', userId).where('chat_id', '>', after))
      .orderBy('chat_id')
      .limit(CHATS_PER_STATEMENT)
      .execute();
    if (ids.length === 0) return;
    const chats = await db.selectFrom('chats').select(['id', 'last_seq']).where('id', 'in', ids.map((r) => r.chat_id)).orderBy('id').execute();
    for (const chat of chats) yield { id: chat.id, lastSeq: Number(chat.last_seq) };
    if (ids.length < CHATS_PER_STATEMENT) return;
    after = ids[ids.length - 1]!.chat_id;
  }
}
