import type { Duplex } from 'node:stream';

/**
 * Past this many bytes held for one socket they go out at once: the saving is in the number of
 * system calls, which a few frames already give, and bytes held here would look to the
 * slow-consumer check (Connection.sendPrepared) like bytes the client has not read.
 */
const FLUSH_BYTES = 16 * 1024;

/**
 * Sockets uncorked in one go. Each is a system call of 10–40 µs on this kind of machine, so a
 * message into a group of 10,000 online members held the event loop ~200 ms for everyone on the
 * node. Past this many, the rest go out over the next turns, with other clients' frames read and
 * answered in between.
 */
export const UNCORK_PER_TURN = 500;

/** Corked in the current turn. */
let fresh: Duplex[] = [];
/** Corked in an earlier turn and not yet uncorked: the tail of a large fan-out. */
const waiting: Duplex[] = [];
let draining = false;

/**
 * Writes to a socket held corked until the current turn of the event loop has run its callbacks,
 * so everything one commit sends to one client (several acks, several messages) leaves in one
 * system call instead of one each. A busy server's batches grow, and so does the saving: socket
 * writes were the largest share of its CPU time. One tick callback uncorks the turn's sockets.
 */
export function corkedWrite(stream: Duplex, bytes: Buffer): void {
  // Only this module corks across a tick; `ws` corks and uncorks within one call of its own.
  if (stream.writableCorked === 0) {
    stream.cork();
    if (fresh.push(stream) === 1) process.nextTick(uncorkFresh);
  }
  stream.write(bytes);
  if (stream.writableLength >= FLUSH_BYTES) stream.uncork();
}

/**
 * A turn's sockets go out at the end of it, ahead of an older tail still waiting: uncorking in any
 * order keeps each socket's bytes in order, because a socket still corked from a fan-out takes
 * every later write behind what it holds, and is not listed again until it has been uncorked.
 */
function uncorkFresh(): void {
  const streams = fresh;
  fresh = [];
  uncork(streams.slice(0, UNCORK_PER_TURN));
  if (streams.length <= UNCORK_PER_TURN) return;
  for (let i = UNCORK_PER_TURN; i < streams.length; i++) waiting.push(streams[i]!);
  if (!draining) {
    draining = true;
    setImmediate(drainWaiting);
  }
}

/** A share of the tail per turn, after the turn's I/O (setImmediate runs once the poll phase has). */
function drainWaiting(): void {
  uncork(waiting.splice(0, UNCORK_PER_TURN));
  if (waiting.length > 0) setImmediate(drainWaiting);
  else draining = false;
}

function uncork(streams: Duplex[]): void {
  for (const stream of streams) {
    // One socket failing (destroyed meanwhile) must not leave the others corked for good.
    try {
      stream.uncork();
    } catch {
      stream.destroy();
    }
  }
}
