import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './freePort.js';

export interface LocalRedis {
  url: string;
  pid(): number;
  /** Killed, data dir removed. */
  stop(): Promise<void>;
  /** Killed and started again on the same port: what an outage looks like to clients. */
  restart(downMs?: number): Promise<void>;
}

/** A Redis without persistence in a temp dir on a free loopback port, up once it answers PING. */
export async function startRedis(): Promise<LocalRedis> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-redis-'));
  const start = async (): Promise<ChildProcess> => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    // Without a listener a missing binary's spawn error kills the caller with no word of why.
    let spawnError: Error | undefined;
    child.once('error', (err) => (spawnError = err));
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (spawnError) throw new Error(`redis-server could not start (${spawnError.message}): apt-get install -y redis-server`);
      try {
        if (execFileSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() === 'PONG') return child;
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
    pid: () => child.pid ?? -1,
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
