import type { Duplex } from 'node:stream';

/**
 * Past this many bytes held for one socket they go out at once: the saving is in the number of
 * system calls, which a few frames already give, and bytes held here would look to the
 * slow-consumer check (Connection.sendPrepared) like bytes the client has not read.
 */
const FLUSH_BYTES = 16 * 1024;

const corked: Duplex[] = [];

/**
 * Writes to a socket held corked until the current turn of the event loop has run its callbacks,
 * so everything one commit sends to one client (several acks, several messages) leaves in one
 * system call instead of one each. A busy server's batches grow, and so does the saving: socket
 * writes were the largest share of its CPU time. One tick callback uncorks every socket at once.
 */
export function corkedWrite(stream: Duplex, bytes: Buffer): void {
  // Only this function corks across a tick; `ws` corks and uncorks within one call of its own.
  if (stream.writableCorked === 0) {
    stream.cork();
    if (corked.push(stream) === 1) process.nextTick(uncorkAll);
  }
  stream.write(bytes);
  if (stream.writableLength >= FLUSH_BYTES) stream.uncork();
}

function uncorkAll(): void {
  for (const stream of corked.splice(0)) {
    // One socket failing (destroyed meanwhile) must not leave the others corked for good.
    try {
      stream.uncork();
    } catch {
      stream.destroy();
    }
  }
}
