import http from 'node:http';
import https from 'node:https';
import webPush from 'web-push';
import { NOT_PUBLIC, hostMayBePublic, publicOnlyLookup } from './publicAddress.js';

/** Where a device's pushes go: its push service endpoint and the keys its payloads are encrypted for. */
export interface PushTarget {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/**
 * `gone`: the push service says the subscription no longer exists (404, 410); drop it.
 * `refused`: the endpoint is not on a public address (publicAddress.ts); never sent, also dropped.
 */
export type PushOutcome = 'sent' | 'gone' | 'refused' | 'failed';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

export interface PushSenderOptions {
  vapid: VapidKeys;
  subject: string;
  ttlSec: number;
  /** Endpoints on loopback, private and link-local addresses are reached too (tests, a private push service). */
  privateAddresses: boolean;
  /** A push service that has not answered by then is counted as failed. */
  timeoutMs?: number;
}

/**
 * Sends one Web Push message. web-push signs the VAPID JWT and encrypts the payload (RFC 8291,
 * aes128gcm); the request goes through node:https (node:http where http: endpoints are
 * allowed), whose `lookup` can refuse names that resolve to addresses that are not public.
 * Redirects are not followed: a push service answers where it was asked.
 */
export class PushSender {
  private readonly agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

  constructor(private readonly options: PushSenderOptions) {}

  async send(target: PushTarget, payload: string, topic: string): Promise<PushOutcome> {
    const { vapid, subject, ttlSec, privateAddresses, timeoutMs = 10_000 } = this.options;
    const request = webPush.generateRequestDetails(
      { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
      payload,
      { vapidDetails: { subject, ...vapid }, TTL: ttlSec, urgency: 'high', topic, contentEncoding: 'aes128gcm' },
    );
    const url = new URL(request.endpoint);
    if (!privateAddresses && !hostMayBePublic(url)) return 'refused';
    const protocol = url.protocol === 'http:' ? http : https;
    const status = await new Promise<number | typeof NOT_PUBLIC>((resolve, reject) => {
      const req = protocol.request(url, {
        method: request.method,
        headers: request.headers as Record<string, string>,
        agent: this.agents[url.protocol === 'http:' ? 'http:' : 'https:'],
        lookup: privateAddresses ? undefined : publicOnlyLookup,
        signal: AbortSignal.timeout(timeoutMs),
      }, (res) => {
        res.resume(); // the body says nothing we use; reading it frees the socket for the next push
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (err: NodeJS.ErrnoException) => (err.code === NOT_PUBLIC ? resolve(NOT_PUBLIC) : reject(err)));
      req.end(request.body ?? undefined);
    });
    if (status === NOT_PUBLIC) return 'refused';
    if (status === 404 || status === 410) return 'gone';
    return status >= 200 && status < 300 ? 'sent' : 'failed';
  }

  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }
}
