import { ParleyError } from '@parley/client';
import { formatBytes } from './formatMedia.js';

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
