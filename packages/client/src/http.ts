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
  /**
   * The share of the body sent so far, 0 to 1. Where `XMLHttpRequest` exists (browsers) the
   * request goes through it, since fetch cannot report upload progress; elsewhere it is called
   * once, with 1, when the body has been sent.
   */
  onUploadProgress?: (fraction: number) => void;
}

export async function requestJson<T>(baseUrl: string, method: string, path: string, body?: unknown, token?: string, init: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {};
  // A FormData body (an upload) goes as multipart, with the boundary fetch picks.
  const form = typeof FormData !== 'undefined' && body instanceof FormData;
  if (body !== undefined && !form) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.onUploadProgress && typeof XMLHttpRequest !== 'undefined') {
    return requestWithProgress<T>(`${baseUrl}/api/v1${path}`, method, headers, body as XMLHttpRequestBodyInit, init);
  }
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
  init.onUploadProgress?.(1);
  if (res.status === 204) return undefined as T;
  return settle<T>(res.status, (await res.json().catch(() => ({}))) as Reply, res.statusText);
}

/** Any HTTP answer at all from the server (even an error) means it can be reached. */
export async function reachable(baseUrl: string, timeoutMs: number): Promise<boolean> {
  try {
    await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    return true;
  } catch {
    return false;
  }
}

type Reply = { error?: ErrorBody } | undefined;

function settle<T>(status: number, json: Reply, statusText: string): T {
  if (status >= 200 && status < 300) return json as T;
  throw new ParleyError(status, json?.error?.code ?? 'internal_error', json?.error?.message ?? statusText);
}

/** The same request through XMLHttpRequest, for its upload progress events. */
function requestWithProgress<T>(url: string, method: string, headers: Record<string, string>, body: XMLHttpRequestBodyInit | undefined, init: RequestOptions): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.timeout = init.timeoutMs ?? TIMEOUT_MS;
    xhr.upload.onprogress = (e) => e.lengthComputable && init.onUploadProgress?.(e.loaded / e.total);
    xhr.onload = () => {
      if (xhr.status === 204) return resolve(undefined as T);
      let json: Reply;
      try {
        json = JSON.parse(xhr.responseText) as Reply;
      } catch {
        json = undefined;
      }
      try {
        resolve(settle<T>(xhr.status, json, xhr.statusText));
      } catch (err) {
        reject(err);
      }
    };
    // A 413 refused before the body is read often ends the connection: the browser sees an error.
    xhr.onerror = () => reject(new ParleyError(0, 'network_error', 'the request did not go through'));
    xhr.ontimeout = () => reject(new ParleyError(0, 'network_error', 'the request timed out'));
    xhr.onabort = () => reject(new ParleyError(0, 'network_error', 'the request was cancelled'));
    if (init.signal?.aborted) return xhr.abort();
    init.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body ?? null);
  });
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
