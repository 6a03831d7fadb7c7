import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Store } from '@parley/server/dist/store/Store.js';
import { freePort, onExitCleanup, startProc, waitUntil, type Proc } from '../proc.js';
import { openSeedStore, seedPrivateChats, seedUsers, type SeededUser } from '../seed.js';
import type { Services } from '../services.js';
import { mintAccessToken } from '../tokens.js';
import type { Identity, Pair, Target } from './Target.js';

export type Backend = 'embedded' | 'pg1' | 'pg3';

export const BACKEND_LABELS: Record<Backend, string> = {
  embedded: 'Parley, embedded (SQLite)',
  pg1: 'Parley, PostgreSQL + Redis, 1 node',
  pg3: 'Parley, PostgreSQL + Redis, 3 nodes',
};

export interface ParleyOptions {
  /** The server package whose build (`dist/`) is benchmarked, normally packages/server. */
  serverDir: string;
  heartbeatMs: number;
  /** Directory for `node --cpu-prof` output of every node, when profiling. */
  cpuProfDir?: string;
  /** Extra server environment (e.g. MAX_GROUP_MEMBERS). */
  env?: Record<string, string>;
}

/** Parley as `npm start` runs it, on one backend, with the bench's seeding and token minting. */
export interface ParleyTarget extends Target {
  backend: Backend;
  baseUrls: string[];
  /** The server's own schema, opened by the bench for seeding. */
  store: Store;
  seedUsers(count: number): Promise<SeededUser[]>;
  token(user: SeededUser): string;
}

/**
 * The environment every node gets. Rate limits stay at their defaults except the REST budget
 * per IP (the history scenario pages thousands of times from one address); the bench keeps
 * each WebSocket under its default 200 frames/s.
 */
function nodeEnv(opts: ParleyOptions, dataDir: string, secret: string, port: number, db?: { url: string; redisUrl: string; prefix: string }) {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    TOKEN_SECRET: secret,
    HTTP_RATE_PER_MIN: '100000000',
    HEARTBEAT_INTERVAL_MS: String(opts.heartbeatMs),
    MAX_GROUP_MEMBERS: '20000',
    ...(db ? { DATABASE_URL: db.url, REDIS_URL: db.redisUrl, REDIS_PREFIX: db.prefix } : {}),
    ...opts.env,
  };
}

export async function startParley(backend: Backend, services: Services | undefined, opts: ParleyOptions): Promise<ParleyTarget> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-data-'));
  // Ctrl-C mid-scenario skips stop(): the temp dir goes at exit all the same.
  const forget = onExitCleanup(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const secret = crypto.randomBytes(32).toString('base64url');
  let db: { url: string; redisUrl: string; prefix: string } | undefined;
  if (backend !== 'embedded') {
    if (!services) throw new Error(`${backend} needs PostgreSQL and Redis`);
    const prefix = `b_${crypto.randomBytes(6).toString('hex')}`;
    db = { url: await services.createDatabase(prefix), redisUrl: services.redisUrl, prefix };
  }
  // Migrations run here, before any node starts; seeding then writes into the same schema.
  const store = await openSeedStore(opts.serverDir, { DATA_DIR: dataDir, ...(db ? { DATABASE_URL: db.url } : {}) });
  const main = path.join(opts.serverDir, 'dist', 'main.js');
  const nodeCount = backend === 'pg3' ? 3 : 1;
  const procs: Proc[] = [];
  const baseUrls: string[] = [];
  for (let i = 0; i < nodeCount; i++) {
    const port = await freePort();
    const flags = opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : [];
    const proc = startProc(`parley node ${i + 1}`, process.execPath, [...flags, main], nodeEnv(opts, dataDir, secret, port, db));
    procs.push(proc);
    baseUrls.push(`http://127.0.0.1:${port}`);
  }
  try {
    await Promise.all(procs.map((proc, i) => waitUntil('healthz', proc, async () => (await fetch(`${baseUrls[i]}/healthz`)).status === 200)));
  } catch (err) {
    await Promise.all(procs.map((p) => p.stop(1000)));
    await store.close();
    throw err;
  }

  const token = (u: SeededUser) => mintAccessToken(secret, u.userId, u.deviceId);
  const identity = (u: SeededUser): Identity => ({ user: u.userId, secret: token(u) });
  return {
    key: `parley-${backend}`,
    label: BACKEND_LABELS[backend],
    kind: 'parley',
    backend,
    urls: baseUrls.map((u) => `${u.replace('http', 'ws')}/api/v1/ws/chat`),
    baseUrls,
    procs,
    async scrape(names, combine = 'sum') {
      const figures: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
      for (const base of baseUrls) {
        const text = await (await fetch(`${base}/metrics`)).text();
        for (const line of text.split('\n')) {
          const [name, value] = line.split(' ');
          if (!name || !(name in figures)) continue;
          figures[name] = combine === 'sum' ? figures[name]! + Number(value) : Math.max(figures[name]!, Number(value));
        }
      }
      return figures;
    },
    supportPids: services && backend !== 'embedded' ? () => services.pids() : undefined,
    store,
    token,
    seedUsers: (count) => seedUsers(store, count, 'b'),
    async createUsers(count) {
      return (await seedUsers(store, count, 'c')).map(identity);
    },
    async createPairs(count): Promise<Pair[]> {
      const users = await seedUsers(store, count * 2, 'd');
      const pairs = Array.from({ length: count }, (_, i) => [users[2 * i]!, users[2 * i + 1]!] as [SeededUser, SeededUser]);
      const chatIds = await seedPrivateChats(store, pairs);
      return pairs.map(([a, b], i) => ({ sender: identity(a), recipient: identity(b), address: chatIds[i]! }));
    },
    async stop() {
      await Promise.all(procs.map((p) => p.stop()));
      await store.close();
      forget();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
