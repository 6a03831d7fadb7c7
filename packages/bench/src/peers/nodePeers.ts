import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { freePort, startProc, waitUntil } from '../proc.js';
import type { ClientKind, Identity, Pair, Target } from '../targets/Target.js';

const SERVER = (name: string) => fileURLToPath(new URL(`../../peers/${name}/server.mjs`, import.meta.url));

async function startNodePeer(key: string, label: string, kind: ClientKind, dir: string, heartbeatMs: number): Promise<Target> {
  const port = await freePort();
  const proc = startProc(key, process.execPath, [SERVER(dir)], { PORT: String(port), HEARTBEAT_INTERVAL_MS: String(heartbeatMs) });
  await waitUntil('listening', proc, async () => proc.output().includes('listening'));
  // Neither peer has accounts: a user is whatever id the client presents.
  const users = (count: number): Identity[] => Array.from({ length: count }, () => ({ user: crypto.randomUUID(), secret: '' }));
  return {
    key,
    label,
    kind,
    urls: [kind === 'echo' ? `ws://127.0.0.1:${port}` : `http://127.0.0.1:${port}`],
    procs: [proc],
    createUsers: async (count) => users(count),
    async createPairs(count): Promise<Pair[]> {
      const made = users(count * 2);
      return Array.from({ length: count }, (_, i) => ({ sender: made[2 * i]!, recipient: made[2 * i + 1]!, address: made[2 * i + 1]!.user }));
    },
    stop: () => proc.stop(5000),
  };
}

/** A plain Socket.IO relay without persistence (packages/bench/peers/socketio-relay). */
export const startSocketIoRelay = (heartbeatMs: number): Promise<Target> =>
  startNodePeer('socketio', 'Socket.IO relay (no persistence)', 'socketio', 'socketio-relay', heartbeatMs);

/** A bare `ws` echo server with the ws README's heartbeat: the floor for memory per connection. */
export const startWsEcho = (heartbeatMs: number): Promise<Target> => startNodePeer('ws-echo', 'bare ws echo server', 'echo', 'ws-echo', heartbeatMs);
