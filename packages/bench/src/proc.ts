import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { sleep } from './clock.js';

const OUTPUT_KEPT = 20_000;
const live = new Set<ChildProcess>();

/** A server process the bench started: its output tail for error messages, RSS and CPU time from /proc. */
export interface Proc {
  name: string;
  child: ChildProcess;
  pid: number;
  exited: Promise<number | null>;
  output(): string;
  /** SIGTERM (graceful: Node writes its --cpu-prof profile), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export function startProc(name: string, command: string, args: string[], env: Record<string, string>, cwd?: string): Proc {
  const child = spawn(command, args, { env: { ...process.env, ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-OUTPUT_KEPT));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => (live.delete(child), resolve(code))));
  return {
    name,
    child,
    pid: child.pid ?? -1,
    exited,
    output: () => output,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Daemons the bench started outside `live` (PostgreSQL forks away from pg_ctl): stopped synchronously at exit. */
const cleanups = new Set<() => void>();

export function onExitCleanup(fn: () => void): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** On any exit of the bench, no server it started may outlive it. */
export function killAllProcs(): void {
  for (const child of live) child.kill('SIGKILL');
  for (const fn of cleanups) {
    try {
      fn();
    } catch {
      // already gone
    }
  }
  cleanups.clear();
}

export async function waitUntil(what: string, proc: Proc, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`${proc.name} exited before ${what}:\n${proc.output()}`);
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${proc.name}: no ${what} within ${timeoutMs} ms:\n${proc.output()}`);
    await sleep(50);
  }
}

export const portOpen = (port: number, host = '127.0.0.1'): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect({ port, host }, () => (socket.destroy(), resolve(true)));
    socket.on('error', () => resolve(false));
  });

export { freePort } from '@parley/devtools';

/** Resident set size in KiB, as the kernel counts it for `ps`. */
export function rssKiB(pid: number): number {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.match(/\d+/)?.[0] ?? NaN);
}

/** User + system CPU time of a process so far, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command name: field 14 (utime) and 15 (stime) of proc(5) are at 11 and 12 here.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** `root` and every process below it (PostgreSQL's postmaster forks a backend per connection). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const all: number[] = [];
  for (const queue = [root]; queue.length > 0; ) {
    const pid = queue.pop()!;
    all.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return all;
}

/** CPU seconds of processes that may exit between listing and reading (PostgreSQL backends). */
export function cpuSecondsOf(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += cpuSeconds(pid);
    } catch {
      // gone
    }
  }
  return total;
}

/**
 * Seconds the process's main thread spent runnable but waiting for a CPU (/proc/PID/schedstat):
 * high when other work on the machine takes the cores, the sign of a figure to re-measure.
 */
export function runQueueWaitSeconds(pid: number): number {
  try {
    return Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
  } catch {
    return NaN;
  }
}

/**
 * CPU seconds the whole machine has been busy (every core: user, system, interrupts), from
 * /proc/stat: beside the server's and the generator's own, it shows whether the cores were full.
 */
export function machineBusySeconds(): number {
  // cpu  user nice system idle iowait irq softirq steal …, in clock ticks (100 a second, as above).
  const ticks = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const busy = [0, 1, 2, 5, 6, 7].reduce((sum, i) => sum + (ticks[i] ?? 0), 0);
  return busy / 100;
}
