import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, onExitCleanup, processTree, startProc, waitUntil } from './proc.js';

/**
 * PostgreSQL and Redis for the scale-out backends, on free loopback ports in temp dirs, like
 * the server's test support (packages/server/test/support/services.ts) but with PostgreSQL's
 * durability left at its defaults (fsync and synchronous_commit on): an ack must mean a flushed
 * WAL here, as it does in production.
 */
export interface Services {
  pgAdminUrl: string;
  redisUrl: string;
  /** PostgreSQL's processes (postmaster and backends) and Redis, for their CPU time. */
  pids(): number[];
  /** A fresh database on the cluster, for one target of one scenario. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : undefined;
}

/** initdb refuses to run as root; as root the cluster belongs to the `postgres` user. */
function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

async function startPostgres(): Promise<{ url: string; pid(): number; stop(): void }> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed: apt-get install -y postgresql');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-pg-'));
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', dir]);
  fs.chmodSync(dir, 0o700);
  const data = path.join(dir, 'data');
  execFileSync(...asPostgres(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--locale=C', '-E', 'UTF8']), { stdio: 'ignore' });
  const port = await freePort();
  // Three nodes x 10 pooled connections, plus the bench's own; buffers sized for a 1M-row history.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=512MB`;
  execFileSync(...asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']), { stdio: 'ignore' });
  const stop = () => {
    execFileSync(...asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']), { stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // pg_ctl daemonizes the postmaster, so Ctrl-C would not reach it: stop it on any exit.
  const forget = onExitCleanup(stop);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    pid: () => Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]),
    stop() {
      forget();
      stop();
    },
  };
}

async function startRedis(): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-redis-'));
  const forget = onExitCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  const proc = startProc('redis', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {});
  await waitUntil('PONG', proc, async () => execFileSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() === 'PONG', 10_000);
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: proc.pid,
    async stop() {
      await proc.stop(1000);
      forget();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startServices(): Promise<Services> {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  return {
    pgAdminUrl: postgres.url,
    redisUrl: redis.url,
    pids: () => [...processTree(postgres.pid()), redis.pid],
    async createDatabase(name) {
      const admin = new pg.Client({ connectionString: postgres.url });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      const url = new URL(postgres.url);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async stop() {
      await redis.stop();
      postgres.stop();
    },
  };
}
