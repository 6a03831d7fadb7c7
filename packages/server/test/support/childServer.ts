import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testEnv } from './server.js';
import { backendEnv } from './backend.js';

export { freePort } from '@parley/devtools';

/** The built server, run exactly as `npm start` runs it: only a real process can be SIGKILLed. */
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const OUTPUT_KEPT = 20_000;
const live = new Set<ChildProcess>();

export interface ChildServer {
  port: number;
  baseUrl: string;
  wsUrl: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The tail of the child's stdout+stderr, for failure messages. */
  output(): string;
  /** SIGKILL, no chance to drain or close anything; resolves once the process is gone. */
  crash(): Promise<void>;
}

export async function startChild(dataDir: string, port: number, env: Record<string, string> = {}): Promise<ChildServer> {
  // pino logs to stdout; 'warn' keeps a quiet run quiet but shows failed commits and slow consumers.
  const child = spawn(process.execPath, [MAIN], {
    env: testEnv(dataDir, { PORT: String(port), LOG_LEVEL: 'warn', ...(await backendEnv(dataDir)), ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-OUTPUT_KEPT));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => (live.delete(child), resolve({ code, signal }))),
  );
  const server: ChildServer = {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/api/v1/ws/chat`,
    child,
    exited,
    output: () => output,
    async crash() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  await waitHealthy(server);
  return server;
}

async function waitHealthy(server: ChildServer, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void server.exited.then(() => (gone = true));
  while (!gone) {
    try {
      if ((await fetch(`${server.baseUrl}/healthz`)).status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await server.crash();
  throw new Error(`server on port ${server.port} did not become healthy (${gone ? 'it exited' : 'timeout'}):\n${server.output()}`);
}

/** For afterAll: no child may outlive the test file, whatever failed. */
export async function killAllChildren(): Promise<void> {
  await Promise.all(
    [...live].map((child) => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill('SIGKILL')))),
  );
}
