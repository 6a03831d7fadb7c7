import type { Logger } from 'pino';
import type { Bus } from './bus/Bus.js';
import type { Config } from './config.js';
import type { Store } from './store/Store.js';
import type { Tokens } from './accounts/tokens.js';
import type { DeviceChecks } from './accounts/DeviceChecks.js';
import type { Metrics } from './metrics.js';
import type { Presence } from './presence/Presence.js';
import type { Typing } from './typing/Typing.js';
import type { ReceiptWriter } from './receipts/ReceiptWriter.js';
import type { BlobStore } from './media/BlobStore.js';
import type { ContentLocks } from './media/ContentLocks.js';
import type { MediaUrls } from './media/MediaUrls.js';
import type { PushNotifier } from './notifications/PushNotifier.js';

/** What every action needs, built once at boot and passed down explicitly. */
export interface Context {
  config: Config;
  store: Store;
  bus: Bus;
  tokens: Tokens;
  /** Whether a token's session still exists, looked up for many connections at once. */
  deviceChecks: DeviceChecks;
  metrics: Metrics;
  log: Logger;
  presence: Presence;
  typing: Typing;
  /** The write path for delivered/read receipts (WebSocket and REST share it). */
  receipts: ReceiptWriter;
  /** Where media bytes live (disk or S3), and the signer of their expiring URLs. */
  blobs: BlobStore;
  /** Orders storing an upload's record against deleting the bytes it shares with others. */
  contentLocks: ContentLocks;
  mediaUrls: MediaUrls;
  /** Web Push to users who are not connected, after each commit of new messages. */
  push: PushNotifier;
}

/** Who is calling: the user and the device (login session) the access token belongs to. */
export interface Caller {
  userId: string;
  deviceId: string;
}
