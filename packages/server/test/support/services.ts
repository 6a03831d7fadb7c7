import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './childServer.js';

/**
 * Throwaway PostgreSQL and Redis for one test run: temp dirs, free loopback ports, stopped at
 * the end. `scripts/test.mjs` makes sure the binaries are installed before vitest starts.
 */
export interface Services {
  pgUrl: string;
  redisUrl: string;
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

export interface Service {
  url: string;
  stop(): Promise<void>;
  /** Stops and starts it again on the same port and data: what an outage looks like to clients. */
  restart(downMs?: number): Promise<void>;
}

export async function startPostgres(): Promise<Service> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed: apt-get install -y postgresql');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-pg-'));
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', dir]);
  fs.chmodSync(dir, 0o700);
  const data = path.join(dir, 'data');
  execFileSync(...asPostgres(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--locale=C', '-E', 'UTF8']), { stdio: 'ignore' });
  const port = await freePort();
  // Commits stay synchronous (an ack means the WAL has it, as in production, so a PostgreSQL
  // crash in outage.test.ts loses nothing acked); fsync is off because only the process
  // crashes in tests, never the machine, and it keeps the suite fast.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=500`;
  const pgCtl = (...args: string[]) => execFileSync(...asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, ...args]), { stdio: 'ignore' });
  const start = () => pgCtl('-o', options, '-l', path.join(dir, 'log'), '-w', 'start');
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      pgCtl('-m', 'immediate', 'stop');
      fs.rmSync(dir, { recursive: true, force: true });
    },
    async restart(downMs = 0) {
      pgCtl('-m', 'immediate', 'stop');
      await new Promise((r) => setTimeout(r, downMs));
      start();
    },
  };
}

export async function startRedis(): Promise<Service> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-redis-'));
  const start = async (): Promise<ChildProcess> => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        if (execFileSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).trim() === 'PONG') return child;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error('redis-server did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  let child = await start();
  const kill = async () => {
    child.kill('SIGKILL');
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    async restart(downMs = 0) {
      await kill();
      await new Promise((r) => setTimeout(r, downMs));
      child = await start();
    },
  };
}
