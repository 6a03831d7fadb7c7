import { sql } from 'kysely';
import type { ReceiptPair } from '../ReceiptPath.js';

// SQLite allows 32,766 bound parameters and an expression depth of 1,000 per statement; the
// widest receipt statement binds 10 parameters per pair and ORs one term per pair.
export const CHUNK = 200;

/** `(t.chat_id = ? AND t.user_id = ?) OR …`, one term per pair, over a table of chat_members' columns. */
export const eitherPair = (pairs: ReceiptPair[], table: string) =>
  sql<boolean>`(${sql.join(
    pairs.map((p) => sql`(${sql.ref(`${table}.chat_id`)} = ${p.chatId} AND ${sql.ref(`${table}.user_id`)} = ${p.userId})`),
    sql` OR `,
  )})`;
