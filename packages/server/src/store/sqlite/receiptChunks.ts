import type { ReceiptPair } from '../ReceiptPath.js';
import { tupleIn } from '../tupleIn.js';

// SQLite allows 32,766 bound parameters per statement; the widest receipt statement (the cursor
// update) binds 8 per pair.
export const CHUNK = 200;

/** `(t.chat_id, t.user_id) IN (VALUES …)` over a table of chat_members' columns: a key probe per pair. */
export const pairIn = (pairs: ReceiptPair[], table: string) =>
  tupleIn([`${table}.chat_id`, `${table}.user_id`], pairs.map((p) => [p.chatId, p.userId]));
