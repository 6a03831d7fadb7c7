import type { PushSubscription, PushSubscriptionBody } from '@parley/protocol';
import { iso } from '../accounts/presentUser.js';
import type { Caller, Context } from '../context.js';
import { invalid, notFound } from '../errors.js';
import { hostMayBePublic } from './publicAddress.js';

/**
 * The calling device's subscription, replacing its earlier one. The endpoint is the browser's:
 * if another device row holds it (an earlier login in the same browser that never logged out),
 * that one lets go, so the browser is not pushed twice.
 */
export async function setPushSubscription(ctx: Context, caller: Caller, body: PushSubscriptionBody): Promise<PushSubscription> {
  checkEndpoint(body.endpoint, ctx.config.push.insecureEndpoints);
  const previews = body.previews ?? true;
  const row = {
    device_id: caller.deviceId,
    user_id: caller.userId,
    endpoint: body.endpoint,
    p256dh: body.keys.p256dh,
    auth: body.keys.auth,
    previews: previews ? 1 : 0,
    created_at: Date.now(),
  };
  await ctx.store.transaction(async (trx) => {
    await trx.deleteFrom('push_subscriptions').where('endpoint', '=', body.endpoint).where('device_id', '!=', caller.deviceId).execute();
    await trx.insertInto('push_subscriptions').values(row)
      .onConflict((oc) => oc.column('device_id').doUpdateSet({ endpoint: row.endpoint, p256dh: row.p256dh, auth: row.auth, previews: row.previews, created_at: row.created_at }))
      .execute();
  });
  return { endpoint: row.endpoint, previews, createdAt: iso(row.created_at) };
}

export async function removePushSubscription(ctx: Context, caller: Caller): Promise<void> {
  await ctx.store.db.deleteFrom('push_subscriptions').where('device_id', '=', caller.deviceId).execute();
}

/**
 * Pushes are POSTs the server makes to this URL: https only, on a public host, unless told
 * otherwise. Names are judged again, by what they resolve to, each time a push connects
 * (PushSender); here only what the URL itself says is checked, so a DNS hiccup never refuses one.
 */
function checkEndpoint(endpoint: string, insecureAllowed: boolean): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalid('endpoint: not a URL');
  }
  if (!(url.protocol === 'https:' || (insecureAllowed && url.protocol === 'http:'))) throw invalid('endpoint: must be an https: URL');
  if (url.username || url.password) throw invalid('endpoint: must not carry a user name or password');
  if (!insecureAllowed && !hostMayBePublic(url)) throw invalid('endpoint: must be on a public host (not loopback, private or link-local)');
}

/** The calling device's subscription; 404 when it has none. */
export async function getPushSubscription(ctx: Context, caller: Caller): Promise<PushSubscription> {
  const row = await ctx.store.db.selectFrom('push_subscriptions').select(['endpoint', 'previews', 'created_at'])
    .where('device_id', '=', caller.deviceId).executeTakeFirst();
  if (!row) throw notFound('push subscription');
  return { endpoint: row.endpoint, previews: row.previews === 1, createdAt: iso(row.created_at) };
}
