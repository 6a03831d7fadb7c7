import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './freePort.js';

/** The newest PostgreSQL server Debian's packages installed, if any. */
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

export interface LocalPostgres {
  /** The `postgres` superuser's database, trust auth. */
  url: string;
  /** The postmaster (its backends are its children). */
  pid(): number;
  /** Immediate shutdown, data dir removed. Synchronous, so it can run in an exit handler. */
  stop(): void;
  /** Stops and starts again on the same port and data: what an outage looks like to clients. */
  restart(downMs?: number): Promise<void>;
}

/**
 * A fresh cluster in a temp dir on a free loopback port, with `settings` as extra `-c` options
 * (the tests turn fsync off; the benchmarks keep PostgreSQL's durable defaults).
 */
export async function startPostgres(settings: string[] = []): Promise<LocalPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed: apt-get install -y postgresql');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-pg-'));
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', dir]);
  fs.chmodSync(dir, 0o700);
  const data = path.join(dir, 'data');
  execFileSync(...asPostgres(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--locale=C', '-E', 'UTF8']), { stdio: 'ignore' });
  const port = await freePort();
  const options = [`-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, ...settings.map((s) => `-c ${s}`)].join(' ');
  const pgCtl = (...args: string[]) => execFileSync(...asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, ...args]), { stdio: 'ignore' });
  const start = () => pgCtl('-o', options, '-l', path.join(dir, 'log'), '-w', 'start');
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    pid: () => Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]),
    stop() {
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
