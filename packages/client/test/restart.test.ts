import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ParleyClient, type Message } from '../src/index.js';
import { startServer, tempDir, type TestServer } from '../../server/test/support/server.js';
import { api, openPrivateChat, registerUser } from '../../server/test/support/api.js';
import { FlakyProxy } from './support/flakyProxy.js';

const VITE_NODE = path.join(path.dirname(createRequire(import.meta.url).resolve('vite-node/package.json')), 'vite-node.mjs');
const SCRIPT = fileURLToPath(new URL('./support/offlineClient.ts', import.meta.url));
const COUNT = 40;

let server: TestServer;
let proxy: FlakyProxy;
const dir = tempDir();
beforeAll(async () => {
  server = await startServer();
  proxy = await FlakyProxy.start(server.baseUrl);
});
afterAll(async () => {
  await proxy.close();
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Exit { code: number | null; signal: NodeJS.Signals | null; events: Array<Record<string, any>>; stderr: string }

/** Runs one SDK process to its end (exit or crash) and returns what it printed. */
function runClient(run: Record<string, unknown>): Promise<Exit> {
  const child = spawn(process.execPath, [VITE_NODE, SCRIPT], { env: { ...process.env, PARLEY_RUN: JSON.stringify(run) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c));
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      const events = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
      resolve({ code, signal, events, stderr });
    }),
  );
}

it('messages queued while offline survive a process restart and a crash, and land exactly once, in order', async () => {
  const [alice, bob] = await Promise.all([registerUser(server.baseUrl, 'a'), registerUser(server.baseUrl, 'b')]);
  const chatId = await openPrivateChat(server.baseUrl, alice, bob);
  const receiver = new ParleyClient({ baseUrl: server.baseUrl });
  receiver.session = { user: { id: bob.id, username: bob.username, displayName: bob.username }, accessToken: bob.accessToken, refreshToken: bob.refreshToken };
  const received: Message[] = [];
  receiver.on('message', (m) => received.push(m));
  await receiver.connect();
  const storePath = path.join(dir, 'alice.json');
  const history = async () => (await api(server.baseUrl, 'GET', `/chats/${chatId}/messages?limit=200`, undefined, bob.accessToken)).body.messages as Message[];

  // 1. The server is unreachable: the process queues COUNT messages and exits.
  proxy.mode = 'refuse';
  const queued = await runClient({
    mode: 'queue', storePath, baseUrl: proxy.baseUrl, chatId, count: COUNT,
    session: { user: { id: alice.id, username: alice.username, displayName: alice.username }, accessToken: alice.accessToken, refreshToken: alice.refreshToken },
  });
  expect(queued.code, queued.stderr).toBe(0);
  expect(queued.events[0]!.state).not.toBe('ready');
  const clientMsgIds = queued.events[0]!.pending as string[];
  expect(clientMsgIds).toHaveLength(COUNT);
  const file = JSON.parse(fs.readFileSync(storePath, 'utf8'));
  expect(file.outbox.map((e: { clientMsgId: string }) => e.clientMsgId)).toEqual(clientMsgIds);
  expect(fs.statSync(storePath).mode & 0o777).toBe(0o600);
  expect(await history()).toEqual([]);

  // 2. Reachable again: a new process restores session and outbox from the file, and is
  // SIGKILLed after 10 acks, with the store's deletions possibly not yet on disk.
  proxy.mode = 'pass';
  const crashed = await runClient({ mode: 'resume', storePath, baseUrl: proxy.baseUrl, crashAfterAcks: 10 });
  expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
  expect(crashed.events.filter((e) => e.acked)).toHaveLength(10);
  const left = JSON.parse(fs.readFileSync(storePath, 'utf8')).outbox.length as number;
  const storedAtCrash = (await history()).length;
  expect(storedAtCrash).toBeGreaterThanOrEqual(10);
  expect(left).toBeGreaterThanOrEqual(COUNT - storedAtCrash);

  // 3. A third process resends what the file still holds; what was stored is not stored again.
  const resumed = await runClient({ mode: 'resume', storePath, baseUrl: proxy.baseUrl });
  expect(resumed.code, resumed.stderr).toBe(0);
  expect(resumed.events).toContainEqual({ restored: alice.id });
  expect(resumed.events.at(-1)).toEqual({ done: true });
  expect(JSON.parse(fs.readFileSync(storePath, 'utf8')).outbox).toEqual([]);

  const stored = await history();
  expect(stored.map((m) => [m.seq, m.clientMsgId, m.content])).toEqual(clientMsgIds.map((id, i) => [i + 1, id, `restart#${i}`]));
  await expect.poll(() => received.length).toBe(COUNT);
  await new Promise((r) => setTimeout(r, 200));
  expect(received.map((m) => m.seq)).toEqual(stored.map((m) => m.seq));
  console.log(`restart: ${COUNT} queued offline; crash after 10 acks left ${left} in the file with ${storedAtCrash} stored; all ${COUNT} stored once`);
  await receiver.close();
});
