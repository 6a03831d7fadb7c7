import webPush from 'web-push';
import type { Db } from '../store/Store.js';
import { settingOnce } from '../store/settingOnce.js';
import type { VapidKeys } from './PushSender.js';

/**
 * The server's VAPID key pair: from the environment, or made once and kept in `settings`, since
 * browsers' subscriptions are bound to the public key and must survive restarts.
 */
export async function loadVapidKeys(db: Db, configured?: VapidKeys): Promise<VapidKeys> {
  if (configured) return configured;
  const stored = JSON.parse(await settingOnce(db, 'vapid', () => JSON.stringify(webPush.generateVAPIDKeys()))) as VapidKeys;
  return { publicKey: stored.publicKey, privateKey: stored.privateKey };
}
