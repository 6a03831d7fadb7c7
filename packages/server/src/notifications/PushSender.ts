import webPush from 'web-push';

/** Where a device's pushes go: its push service endpoint and the keys its payloads are encrypted for. */
export interface PushTarget {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** `gone`: the push service says the subscription no longer exists (404, 410); drop it. */
export type PushOutcome = 'sent' | 'gone' | 'failed';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

export interface PushSenderOptions {
  vapid: VapidKeys;
  subject: string;
  ttlSec: number;
  /** A push service that has not answered by then is counted as failed. */
  timeoutMs?: number;
}

/**
 * Sends one Web Push message. web-push signs the VAPID JWT and encrypts the payload (RFC 8291,
 * aes128gcm); the request itself goes through fetch, which also reaches http: endpoints where
 * they are allowed (a push service on a private network, the tests').
 */
export class PushSender {
  constructor(private readonly options: PushSenderOptions) {}

  async send(target: PushTarget, payload: string, topic: string): Promise<PushOutcome> {
    const { vapid, subject, ttlSec, timeoutMs = 10_000 } = this.options;
    const request = webPush.generateRequestDetails(
      { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
      payload,
      { vapidDetails: { subject, ...vapid }, TTL: ttlSec, urgency: 'high', topic, contentEncoding: 'aes128gcm' },
    );
    const response = await fetch(request.endpoint, {
      method: request.method,
      headers: request.headers as Record<string, string>,
      body: request.body ? new Uint8Array(request.body) : null,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    await response.body?.cancel();
    if (response.status === 404 || response.status === 410) return 'gone';
    return response.ok ? 'sent' : 'failed';
  }
}
