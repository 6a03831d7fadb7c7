import type { ErrorBody } from '@parley/protocol';
import { ParleyError } from './http.js';
import { jwtClaims, refreshTime, type Session } from './session.js';
import type { StoredSession } from './store/ClientStore.js';

export interface SessionEnded extends ErrorBody {
  /** True when the server revoked the session (logout elsewhere, device removed: close 4003). */
  revoked: boolean;
}

/** After a refresh that failed on the network, try again this much later. */
const RETRY_MS = 5000;

/** Runs a refresh while no other client of the store refreshes, with the session the store holds. */
export type SessionTurn = (fn: (stored: StoredSession | undefined) => Promise<void>) => Promise<void>;

/**
 * The session's tokens: refreshed at 80% of the access token's lifetime while the client runs,
 * before a connection attempt when due, and after the server says `token_expired`. Refreshes
 * are single-flight: a refresh token works once, and presenting it twice revokes the session.
 * Clients sharing a store (tabs) refresh in turns, and take a pair another one rotated.
 */
export class Auth {
  private current?: StoredSession;
  private refreshing?: Promise<void>;
  private stale = false;
  private timer?: ReturnType<typeof setTimeout>;
  private running = false;

  constructor(
    private readonly post: <T>(path: string, body: unknown) => Promise<T>,
    private readonly persist: (session: StoredSession | undefined) => Promise<void>,
    private readonly ended: (why: SessionEnded) => void,
    private readonly turn: SessionTurn,
  ) {}

  get session(): Session | undefined {
    if (!this.current) return undefined;
    const { refreshAt: _refreshAt, ...session } = this.current;
    return session;
  }

  /** A session just received from the server (or given by the app); resolves once stored. */
  set(session: Session | StoredSession): Promise<void> {
    const { refreshAt: _old, ...plain } = session as StoredSession;
    const refreshAt = refreshTime(plain.accessToken);
    this.current = refreshAt === undefined ? plain : { ...plain, refreshAt };
    this.stale = false;
    this.schedule(refreshAt);
    return this.persist(this.current);
  }

  /** A session read back from the store. */
  restore(session: StoredSession): void {
    this.current = session;
  }

  clear(): void {
    this.stop();
    this.current = undefined;
    void this.persist(undefined);
  }

  /** The server refused the access token as expired. */
  expired(): void {
    this.stale = true;
  }

  async accessToken(): Promise<string> {
    const s = this.require();
    if (this.stale || (s.refreshAt !== undefined && Date.now() >= s.refreshAt)) await this.refresh();
    return this.require().accessToken;
  }

  /** A call with the access token; on `token_expired` the token is refreshed and the call made once more. */
  async withToken<T>(call: (accessToken: string | undefined) => Promise<T>): Promise<T> {
    try {
      return await call(this.current?.accessToken);
    } catch (err) {
      if (!(err instanceof ParleyError && err.code === 'token_expired' && this.current)) throw err;
      await this.refresh();
      return call(this.current?.accessToken);
    }
  }

  refresh(): Promise<void> {
    this.refreshing ??= this.exchange().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Keeps the token fresh in the background until `stop()`. */
  start(): void {
    this.running = true;
    this.schedule(this.current?.refreshAt);
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  private schedule(at: number | undefined): void {
    clearTimeout(this.timer);
    if (!this.running || at === undefined) return;
    this.timer = setTimeout(() => {
      // Success reschedules through `set`.
      this.refresh().catch(() => this.schedule(Date.now() + RETRY_MS));
    }, Math.max(0, at - Date.now()));
  }

  require(): StoredSession {
    if (!this.current) throw new ParleyError(401, 'unauthorized', 'log in or register first');
    return this.current;
  }

  private exchange(): Promise<void> {
    const before = this.require();
    return this.turn(async (stored) => {
      const from = rotatedSince(stored, before) ? stored : before;
      if (from !== before && !due(from)) {
        // Another client of the store refreshed: its pair is this session's newest.
        if (this.current === before) this.take(from);
        return;
      }
      let tokens: { accessToken: string; refreshToken: string };
      try {
        tokens = await this.post('/auth/refresh', { refreshToken: from.refreshToken });
      } catch (err) {
        if (err instanceof ParleyError && err.status === 401 && this.current === before) {
          this.ended({ code: err.code === 'network_error' ? 'unauthorized' : err.code, message: err.message, revoked: false });
        }
        throw err;
      }
      // A logout or another login meanwhile wins over this answer. Stored before the turn
      // ends, so the next client to take one finds this pair.
      if (this.current === before) await this.set({ ...from, ...tokens });
    });
  }

  /** A pair already stored: kept with the refresh time it was stored with. */
  private take(session: StoredSession): void {
    this.current = session;
    this.stale = false;
    this.schedule(session.refreshAt);
  }
}

/** The store holds a later pair of the same device session than this client's. */
function rotatedSince(stored: StoredSession | undefined, mine: StoredSession): stored is StoredSession {
  if (!stored || stored.user.id !== mine.user.id || stored.deviceId !== mine.deviceId) return false;
  if (stored.refreshToken === mine.refreshToken) return false;
  return issuedAt(stored.accessToken) >= issuedAt(mine.accessToken);
}

function issuedAt(accessToken: string): number {
  const iat = jwtClaims(accessToken)?.iat;
  return typeof iat === 'number' ? iat : 0;
}

function due(session: StoredSession): boolean {
  return session.refreshAt !== undefined && Date.now() >= session.refreshAt;
}
