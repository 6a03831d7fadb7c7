import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { buildParley, type Parley } from '../../src/app.js';
import { backendEnv } from './backend.js';

export interface TestServer {
  baseUrl: string;
  wsUrl: string;
  dataDir: string;
  parley: Parley;
  close(): Promise<void>;
}

/** Env for a test server: generous budgets and no periodic sweeps, unless a test sets its own. */
export function testEnv(dataDir: string, env: Record<string, string> = {}): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    AUTH_RATE_PER_MIN: '100000',
    HTTP_RATE_PER_MIN: '1000000',
    WS_RATE_PER_SEC: '100000',
    WS_RATE_BURST: '100000',
    // A sweep at a random moment of a test would race what it checks; tests of sweeps turn them on.
    SWEEP_INTERVAL_SEC: '0',
    ...env,
  };
}

export const tempDir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-'));

/** A real server on an ephemeral port with its own SQLite file (or PostgreSQL database) for `dataDir`. */
export async function startServer(env: Record<string, string> = {}, dataDir = tempDir()): Promise<TestServer> {
  const parley = await buildParley(loadConfig(testEnv(dataDir, { ...(await backendEnv(dataDir)), ...env })));
  await parley.app.listen({ port: 0, host: '127.0.0.1' });
  const address = parley.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    baseUrl,
    wsUrl: `ws://127.0.0.1:${address.port}/api/v1/ws/chat`,
    dataDir,
    parley,
    close: () => parley.close(),
  };
}
