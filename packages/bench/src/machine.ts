import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Machine {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  kernel: string;
  /** `ulimit -n` of the bench and so of every process it starts. */
  fdLimit: number;
  /** 1-minute load average when the run started: anything near `cores` means a shared, busy machine. */
  loadAverageAtStart: number;
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    fdLimit: fdLimit(),
    loadAverageAtStart: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}

export function fdLimit(): number {
  try {
    const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.split(/\s{2,}/)[1]);
    return Number.isFinite(soft) ? soft : 1024;
  } catch {
    return 1024;
  }
}

/**
 * Which server build ran: the git commit of its checkout (with `+changes` when its files differ
 * from that commit), or a COMMIT file left next to an exported snapshot.
 */
export function describeServer(serverDir: string): { dir: string; commit: string } {
  const git = (...args: string[]) => execFileSync('git', ['-C', serverDir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const dirty = git('status', '--porcelain', '--', '.', '../protocol') !== '';
    return { dir: serverDir, commit: `${git('rev-parse', '--short', 'HEAD')}${dirty ? '+changes' : ''}` };
  } catch {
    const file = [path.join(serverDir, 'COMMIT'), path.join(serverDir, '..', '..', 'COMMIT')].find((f) => fs.existsSync(f));
    return { dir: serverDir, commit: file ? fs.readFileSync(file, 'utf8').trim() : 'unknown' };
  }
}
