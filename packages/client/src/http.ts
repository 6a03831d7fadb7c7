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

export async function requestJson<T>(baseUrl: string, method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new ParleyError(0, 'network_error', err instanceof Error ? err.message : String(err));
  }
  if (res.status === 204) return undefined as T;
  const json = (await res.json().catch(() => ({}))) as { error?: ErrorBody };
  if (!res.ok) throw new ParleyError(res.status, json.error?.code ?? 'internal_error', json.error?.message ?? res.statusText);
  return json as T;
}
