import { ParleyError, type ParleyClient } from '@parley/client';
import type { MediaFile } from '@parley/protocol';
import { formatBytes } from './formatMedia.js';

/**
 * `POST /media/upload` with upload progress, which fetch cannot report (the SDK's
 * `uploadMedia` uses fetch). Same origin as the page, the session's bearer token; an expired
 * token is refreshed through the SDK and the upload tried once more.
 */
export async function uploadWithProgress(client: ParleyClient, file: Blob, filename: string, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<MediaFile> {
  try {
    return await send(client, file, filename, onProgress, signal);
  } catch (err) {
    if (!(err instanceof ParleyError) || signal?.aborted) throw err;
    // A connection left unusable (see STALL_MS) or closed by the server: one more try on a fresh one.
    if (err.code === 'network_error') return send(client, file, filename, onProgress, signal);
    if (err.code !== 'token_expired') throw err;
    await client.refresh();
    return send(client, file, filename, onProgress, signal);
  }
}

/**
 * After the server refuses an upload half-way (413), the keep-alive connection it came on can
 * hang the next request sent on it (the rest of the refused body is not drained). An upload
 * whose bytes are all sent but that gets no answer for this long is abandoned, which closes
 * that connection, and tried once more.
 */
const STALL_MS = 20_000;

function send(client: ParleyClient, file: Blob, filename: string, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<MediaFile> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${window.location.origin}/api/v1/media/upload`);
    const token = client.session?.accessToken;
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    let stall: ReturnType<typeof setTimeout> | undefined;
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.upload.onload = () => (stall = setTimeout(() => xhr.abort(), STALL_MS));
    xhr.onloadend = () => clearTimeout(stall);
    xhr.onload = () => {
      const body = parse(xhr.responseText);
      if (xhr.status === 201 || xhr.status === 200) return resolve(body as MediaFile);
      const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
      reject(new ParleyError(xhr.status, (error?.code ?? 'internal_error') as ParleyError['code'], error?.message ?? xhr.statusText));
    };
    // A 413 refused before the body is read often ends the connection: the browser sees an error.
    xhr.onerror = () => reject(new ParleyError(0, 'network_error', 'the upload did not go through'));
    xhr.onabort = () => reject(new ParleyError(0, 'network_error', 'upload cancelled'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append('file', file, filename);
    xhr.send(form);
  });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What went wrong with an upload, for people. */
export function describeUploadError(err: unknown, size: number): string {
  if (err instanceof ParleyError) {
    if (err.status === 413) return `This file is too large to send (${formatBytes(size)})${limitOf(err.message)}.`;
    if (err.status === 400) return `This kind of file can’t be sent${err.message ? `: ${err.message}` : '.'}`;
    if (err.code === 'network_error') return 'The upload did not go through. Check the connection and try again.';
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** "file: image uploads are limited to 26214400 bytes" → "; image uploads can be up to 25 MB". */
function limitOf(message: string): string {
  const found = /(\w+ )?uploads are limited to (\d+) bytes/.exec(message);
  return found ? `; ${found[1] ?? ''}uploads can be up to ${formatBytes(Number(found[2]))}` : '';
}
