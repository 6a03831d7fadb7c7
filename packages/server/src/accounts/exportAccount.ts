import { Readable } from 'node:stream';
import { EXPORT_FORMAT, type AccountExport } from '@parley/protocol';
import type { Caller, Context } from '../context.js';
import { notFound } from '../errors.js';
import type { Db } from '../store/Store.js';
import { iso } from './presentUser.js';
import { chatPages, contactPages, mediaPages, messagePages, reactionPages } from './exportSections.js';

type ExportedDevice = AccountExport['devices'][number];

/** `parley-export-<username>-<yyyy-mm-dd>.json`, from the export's own time. */
export const exportFileName = (username: string, at: Date): string => `parley-export-${username}-${at.toISOString().slice(0, 10)}.json`;

/**
 * The caller's data export (`AccountExport`, docs/api.md "Your data") as a stream of JSON text:
 * the profile first (so a bad caller fails before the 200), then every list a keyset page at a
 * time, each page written before the next is read. Pages are separate reads, not one snapshot:
 * what changes while it is written may show in a later list or not.
 */
export async function exportAccount(ctx: Context, caller: Caller): Promise<{ fileName: string; body: Readable }> {
  const db = ctx.store.db;
  const row = await db.selectFrom('users').selectAll().where('id', '=', caller.userId).executeTakeFirst();
  if (!row || row.deleted_at !== null) throw notFound('user');
  const at = new Date();
  const head: Pick<AccountExport, 'format' | 'exportedAt' | 'user'> = {
    format: EXPORT_FORMAT,
    exportedAt: at.toISOString(),
    user: {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      about: row.about,
      avatarUrl: row.avatar_url,
      createdAt: iso(Number(row.created_at)),
      lastSeenAt: row.last_seen_at === null ? null : iso(Number(row.last_seen_at)),
      privacy: { online: row.privacy_online, lastSeen: row.privacy_last_seen },
      chosenStatus: row.chosen_status,
    },
  };
  return { fileName: exportFileName(row.username, at), body: Readable.from(exportText(db, caller.userId, head, ctx.config.exportPageSize, ctx.config.accountScanWindow)) };
}

async function* exportText(db: Db, userId: string, head: object, pageSize: number, scanWindow: number): AsyncGenerator<string> {
  const text = JSON.stringify(head);
  yield text.slice(0, -1);
  yield* list('devices', devicePages(db, userId));
  yield* list('contacts', contactPages(db, userId, pageSize));
  yield* list('chats', chatPages(db, userId, pageSize));
  yield* list('messages', messagePages(db, userId, pageSize, scanWindow));
  yield* list('reactions', reactionPages(db, userId, pageSize));
  yield* list('media', mediaPages(db, userId, pageSize));
  yield '}\n';
}

/** `,"name":[…]`, a page per chunk. */
async function* list(name: string, pages: AsyncGenerator<unknown[]>): AsyncGenerator<string> {
  yield `,${JSON.stringify(name)}:[`;
  let first = true;
  for await (const page of pages) {
    if (page.length === 0) continue;
    const items = page.map((item) => JSON.stringify(item)).join(',');
    yield first ? items : `,${items}`;
    first = false;
  }
  yield ']';
}

/** A user has a handful of devices: one page, each with its Web Push subscription (no keys). */
async function* devicePages(db: Db, userId: string): AsyncGenerator<ExportedDevice[]> {
  const rows = await db
    .selectFrom('devices as d')
    .leftJoin('push_subscriptions as p', 'p.device_id', 'd.id')
    .select(['d.name', 'd.created_at', 'd.last_seen_at', 'p.endpoint', 'p.previews', 'p.created_at as push_created_at'])
    .where('d.user_id', '=', userId)
    .orderBy('d.created_at')
    .execute();
  yield rows.map((d) => {
    const device: ExportedDevice = { name: d.name, createdAt: iso(Number(d.created_at)), lastSeenAt: iso(Number(d.last_seen_at)) };
    if (d.endpoint !== null) device.push = { endpoint: d.endpoint, previews: Boolean(d.previews), createdAt: iso(Number(d.push_created_at)) };
    return device;
  });
}
