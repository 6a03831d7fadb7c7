import type { ErrorBody } from '@parley/protocol';

/** An error reply from the server, with its catalogue code and HTTP status. */
export class ParleyError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorBody['code'] | 'network_error',
    message: string,
  ) {
    super(message);
  }
}

/** A request that hangs (a dead link) must fail in time: a token refresh waits on it. */
const TIMEOUT_MS = 30_000;

export interface RequestOptions {
  /** Aborts the request (it then fails with `network_error`). */
  signal?: AbortSignal;
  /** Default 30 s; a long poll needs longer than it is held. */
  timeoutMs?: number;
}

export async function requestJson<T>(baseUrl: string, method: string, path: string, body?: unknown, token?: string, init: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {};
  // A FormData body (an upload) goes as multipart, with the boundary fetch picks.
  const form = typeof FormData !== 'undefined' && body instanceof FormData;
  if (body !== undefined && !form) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : form ? (body as FormData) : JSON.stringify(body),
      signal: anySignal(AbortSignal.timeout(init.timeoutMs ?? TIMEOUT_MS), init.signal),
    });
  } catch (err) {
    throw new ParleyError(0, 'network_error', err instanceof Error ? err.message : String(err));
  }
  if (res.status === 204) return undefined as T;
  const json = (await res.json().catch(() => ({}))) as { error?: ErrorBody };
  if (!res.ok) throw new ParleyError(res.status, json.error?.code ?? 'internal_error', json.error?.message ?? res.statusText);
  return json as T;
}

/** `AbortSignal.any` where it exists (Node 20.3+, current browsers), else the same by hand. */
function anySignal(timeout: AbortSignal, other?: AbortSignal): AbortSignal {
  if (!other) return timeout;
  const any = (AbortSignal as { any?: (signals: AbortSignal[]) => AbortSignal }).any;
  if (any) return any([timeout, other]);
  const both = new AbortController();
  for (const signal of [timeout, other]) {
    if (signal.aborted) both.abort();
    else signal.addEventListener('abort', () => both.abort(), { once: true });
  }
  return both.signal;
}
