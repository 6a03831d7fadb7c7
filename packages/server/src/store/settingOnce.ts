import type { Db } from './Store.js';

/**
 * A server-wide value made once and kept: insert-if-absent, then read, so of several nodes
 * starting at once every one uses the first value stored.
 */
export async function settingOnce(db: Db, key: string, make: () => string): Promise<string> {
  await db.insertInto('settings').values({ key, value: make() }).onConflict((oc) => oc.column('key').doNothing()).execute();
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
  return row.value;
}
