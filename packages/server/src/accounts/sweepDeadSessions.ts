import type { ExpressionBuilder } from 'kysely';
import type { BusEvent } from '../bus/Bus.js';
import type { Context } from '../context.js';
import type { SweepRun } from '../maintenance/Sweeper.js';
import type { Database } from '../store/schema.js';
import type { Db } from '../store/Store.js';

/** Devices per page and token rows per delete: no batch holds the SQLite writer for long. */
const BATCH = 500;

/**
 * Dead sessions. A device none of whose refresh tokens is unexpired can never refresh again (a
 * browser thrown away, a phone wiped), yet it kept its row, its push subscription and the tokens
 * it used in its last refresh TTL (thousands, at one per refresh), and went on showing in the
 * user's device list. Walks every device in pages by id; in each page deletes the expired tokens
 * (of live devices too: refresh() drops a device's own only at its next refresh), then the dead
 * devices (their push subscriptions go by cascade), and publishes one batch of `revoke` events
 * after that commit, so a socket still open on one of them closes with 4003.
 *
 * Safe to race: a device without an unexpired token cannot get one (refresh needs an unexpired
 * token, login makes a new device), every delete is conditional, and a second node sweeping the
 * same page deletes nothing and revokes nothing.
 */
export async function sweepDeadSessions(ctx: Context, run: SweepRun): Promise<void> {
  let after: string | undefined;
  while (!run.signal.aborted) {
    // One moment per page: a device dead at `now` holds only tokens expired at `now`, all gone before it is.
    const now = Date.now();
    const page = await loadDevicePage(ctx.store.db, after, now);
    if (!(await deleteExpiredTokens(ctx, page.map((d) => d.id), now, run))) return;
    const dead = page.filter((d) => !d.live).map((d) => d.id);
    if (dead.length > 0) {
      const gone = await ctx.store.transaction((trx) =>
        trx.deleteFrom('devices').where('id', 'in', dead).where((eb) => eb.not(eb.exists(unexpiredToken(eb, now)))).returning(['id', 'user_id']).execute());
      ctx.bus.publish(gone.map((d): BusEvent => ({ kind: 'revoke', userId: d.user_id, deviceId: d.id })));
      run.removed('devices', gone.length);
    }
    if (page.length < BATCH) return;
    after = page[page.length - 1]!.id;
  }
}

/** A token of the outer `devices` row that still works: one seek on refresh_tokens(device_id, expires_at). */
function unexpiredToken(eb: ExpressionBuilder<Database, 'devices'>, now: number) {
  return eb.selectFrom('refresh_tokens').select('refresh_tokens.token_hash')
    .whereRef('refresh_tokens.device_id', '=', 'devices.id').where('refresh_tokens.expires_at', '>', now);
}

function loadDevicePage(db: Db, after: string | undefined, now: number) {
  let q = db.selectFrom('devices').select((eb) => ['devices.id', eb.exists(unexpiredToken(eb, now)).as('live')]);
  if (after !== undefined) q = q.where('devices.id', '>', after);
  return q.orderBy('devices.id').limit(BATCH).execute();
}

/** The page's tokens expired at `now`, BATCH rows a statement; false if the sweep was stopped before the last. */
async function deleteExpiredTokens(ctx: Context, deviceIds: string[], now: number, run: SweepRun): Promise<boolean> {
  if (deviceIds.length === 0) return true;
  for (;;) {
    if (run.signal.aborted) return false;
    const deleted = await ctx.store.transaction(async (trx) => {
      const result = await trx.deleteFrom('refresh_tokens')
        .where('token_hash', 'in', trx.selectFrom('refresh_tokens').select('token_hash').where('device_id', 'in', deviceIds).where('expires_at', '<=', now).limit(BATCH))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    });
    run.removed('refresh_tokens', deleted);
    if (deleted < BATCH) return true;
  }
}
