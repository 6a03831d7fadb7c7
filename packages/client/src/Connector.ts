import { CLOSE, type ErrorBody, type ReadyFrame, type ServerFrame } from '@parley/protocol';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { Heartbeat } from './Heartbeat.js';
import type { RequestOptions } from './http.js';
import type { OutgoingFrame, Transport, TransportFactory, TransportHandlers } from './transport/Transport.js';
import { TransportChoice } from './transport/TransportChoice.js';

export type ConnectionState = 'connecting' | 'ready' | 'reconnecting' | 'offline';

export interface ConnectorOptions {
  urls: string[];
  /** Best first; see TransportChoice. */
  transports: TransportFactory[];
  /** While on a fallback transport, how often to try the better ones (0: never). */
  upgradeMs: number;
  backoff: BackoffOptions;
  heartbeatMs: number;
  connectTimeoutMs: number;
  /** How long a transport that worked here before must keep failing before the next one is taken. */
  provenGiveUpMs: number;
  random: () => number;
}

/** What the connector needs from the client around it. */
export interface ConnectorHooks {
  /** A usable access token; refreshes first if it is about to expire. Throws to fail the attempt. */
  accessToken(): Promise<string>;
  /** The server said the token expired: the next `accessToken()` must refresh. */
  tokenExpired(): void;
  /** An authenticated REST call to `baseUrl`, for transports that send over REST. */
  request<T>(baseUrl: string, method: string, path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  /** Whether the server answers plain HTTP at all (so a transport that got nowhere is blocked on the way). */
  reachable(baseUrl: string): Promise<boolean>;
  /** A link became ready on a transport other than the previous link's. */
  transport(name: string): void;
  /** The session cannot continue (revoked, or a token the server refuses): go offline for good. */
  sessionEnded(error: ErrorBody & { revoked: boolean }): void;
  ready(frame: ReadyFrame): void;
  frame(frame: ServerFrame): void;
  /** A ready link was lost (it is not called for attempts that never became ready). */
  down(): void;
  state(state: ConnectionState): void;
}

/** How an attempt that heard nothing ended: an HTTP refusal, no answer in time, or a dropped link. */
type AttemptFailure = 'refused' | 'timeout' | 'failed';
/** Failed attempts in a row before a transport that once worked counts as blocked. */
const PROVEN_STRIKES = 5;

/**
 * The connection state machine: `connecting → ready`, on loss `reconnecting → ready` with
 * exponential backoff and full jitter, a heartbeat that drops a silent link, a time limit on
 * each attempt, failover across the server URLs, and fallback across transports. `offline`
 * only by `stop()` or when the session ends. Each attempt gets a generation number; events of
 * an older link are ignored.
 */
export class Connector {
  state: ConnectionState = 'offline';
  /** The server the current (or next) link goes to; REST calls follow it. */
  url: string;
  private index = 0;
  private attempt = 0;
  private generation = 0;
  private link?: Transport;
  /** Whether the current attempt has heard anything from the server. */
  private heard = false;
  /** Attempts in a row that heard nothing, though the server answered plain HTTP. */
  private strikes = 0;
  /** When the first of those strikes was. */
  private firstStrikeAt = 0;
  /** Transports that got to `ready` with this client: their failures are more likely a flaky link than a block. */
  private readonly proven = new Set<string>();
  private readonly choice: TransportChoice;
  /** The transport of the last link that got to `ready`. */
  transportName?: string;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private attemptTimer?: ReturnType<typeof setTimeout>;
  private readonly heartbeat: Heartbeat;

  constructor(private readonly options: ConnectorOptions, private readonly hooks: ConnectorHooks) {
    this.url = options.urls[0]!;
    this.choice = new TransportChoice(options.transports, options.upgradeMs, options.connectTimeoutMs);
    this.heartbeat = new Heartbeat(options.heartbeatMs, () => this.send({ type: 'ping' }), () => this.lose(this.generation, 1006, 'heartbeat timeout'));
  }

  start(): void {
    if (this.state !== 'offline') return;
    this.attempt = 0;
    this.setState('connecting');
    void this.open();
  }

  stop(): void {
    this.generation++;
    this.clear();
    this.setState('offline');
  }

  /** Sends on a ready link; returns false, sending nothing, when there is none. */
  send(frame: OutgoingFrame): boolean {
    if (this.state !== 'ready') return false;
    this.link?.send(frame);
    return true;
  }

  /** Drops the current link and reconnects (after a frame the link cannot recover from). */
  restart(reason: string): void {
    if (this.state === 'ready') this.lose(this.generation, 1006, reason);
  }

  private async open(): Promise<void> {
    const generation = ++this.generation;
    let token: string;
    try {
      token = await this.hooks.accessToken();
    } catch {
      // Refresh failed on the network (a refused session has ended it already).
      if (generation === this.generation && this.state !== 'offline') this.retry(false);
      return;
    }
    if (generation !== this.generation) return;
    let authError: ErrorBody | undefined;
    const current = () => generation === this.generation;
    // An attempt that times out without a word is a refusal too: a proxy that swallows upgrades or buffers streams.
    this.attemptTimer = setTimeout(() => this.lose(generation, 1006, 'connect timeout', undefined, 'timeout'), this.options.connectTimeoutMs);
    this.heard = false;
    this.link = this.openWith(this.choice.current, token, {
      frame: (frame) => {
        if (!current()) return;
        this.heard = true;
        this.heartbeat.seen();
        if (frame.type === 'ready') this.onReady(frame);
        else if (this.state !== 'ready' && frame.type === 'error') authError = frame.error;
        else if (this.state === 'ready') this.hooks.frame(frame);
      },
      close: (code, reason, refused) => this.lose(generation, code, reason, authError, refused ? 'refused' : 'failed'),
    });
  }

  private openWith(factory: TransportFactory, accessToken: string, handlers: TransportHandlers): Transport {
    const baseUrl = this.url;
    const request = <T>(method: string, path: string, body?: unknown, options?: RequestOptions) => this.hooks.request<T>(baseUrl, method, path, body, options);
    return factory({ baseUrl, accessToken, request }, handlers);
  }

  private onReady(frame: ReadyFrame): void {
    clearTimeout(this.attemptTimer);
    this.attempt = 0;
    this.strikes = 0;
    this.proven.add(this.choice.name);
    if (this.choice.name !== this.transportName) this.hooks.transport((this.transportName = this.choice.name));
    this.choice.linkUp(
      async (factory, handlers) => (this.state === 'ready' ? this.openWith(factory, await this.hooks.accessToken(), handlers) : undefined),
      () => this.restart('moving to a better transport'),
    );
    this.setState('ready');
    this.heartbeat.start();
    this.hooks.ready(frame);
  }

  private lose(generation: number, code: number, reason: string, authError?: ErrorBody, failure: AttemptFailure = 'failed'): void {
    if (generation !== this.generation || this.state === 'offline') return;
    this.generation++;
    const wasReady = this.state === 'ready';
    this.clear();
    if (wasReady) this.hooks.down();
    if (code === CLOSE.sessionRevoked) {
      this.hooks.sessionEnded({ code: 'unauthorized', message: reason || 'session revoked', revoked: true });
      return;
    }
    if (code === CLOSE.unauthorized && authError?.code !== 'token_expired') {
      this.hooks.sessionEnded({ ...(authError ?? { code: 'unauthorized', message: reason }), revoked: false });
      return;
    }
    if (code === CLOSE.unauthorized) this.hooks.tokenExpired();
    if (!wasReady && !this.heard && code !== CLOSE.restarting) return void this.blocked(this.generation, failure);
    // A server going away, or one we could not reach, is worth leaving for the next one.
    this.retry(code === CLOSE.restarting || !wasReady);
  }

  /**
   * An attempt that heard nothing at all. If the server does not answer plain HTTP either, it
   * is down: keep the transport and try the next server. If it does, something on the way
   * blocks this transport: take the next one, at once when the attempt was refused, or timed
   * out on a transport that never worked here; after two in a row when it just failed (a link
   * dropped while connecting is no block); and, refusals aside, for a transport that worked
   * before only after `PROVEN_STRIKES` in a row spanning `provenGiveUpMs`: on a flaky network
   * that drops links every few hundred ms, five quick failures in a row happen now and then, and
   * the client would slide down to long polling; there a link gets through again long before.
   */
  private async blocked(generation: number, failure: AttemptFailure): Promise<void> {
    this.setState('reconnecting');
    const reachable = this.options.transports.length > 1 && (await this.hooks.reachable(this.url));
    if (generation !== this.generation || this.state === 'offline') return;
    if (!reachable) {
      this.strikes = 0;
      return this.retry(true);
    }
    const proven = failure !== 'refused' && this.proven.has(this.choice.name);
    const needed = failure === 'refused' ? 1 : proven ? PROVEN_STRIKES : failure === 'timeout' ? 1 : 2;
    if (this.strikes++ === 0) this.firstStrikeAt = Date.now();
    const longEnough = !proven || Date.now() - this.firstStrikeAt >= this.options.provenGiveUpMs;
    if (this.strikes < needed || !longEnough) return this.retry(false);
    this.strikes = 0;
    this.retry(this.choice.blocked());
  }

  private retry(failover: boolean): void {
    if (failover) {
      this.index = (this.index + 1) % this.options.urls.length;
      this.url = this.options.urls[this.index]!;
    }
    this.setState('reconnecting');
    const delay = backoffDelay(this.attempt++, this.options.backoff, this.options.random);
    this.retryTimer = setTimeout(() => void this.open(), delay);
  }

  private clear(): void {
    clearTimeout(this.retryTimer);
    clearTimeout(this.attemptTimer);
    this.heartbeat.stop();
    this.choice.linkDown();
    this.link?.close();
    this.link = undefined;
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    this.hooks.state(state);
  }
}
