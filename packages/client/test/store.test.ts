import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStore, IndexedDBStore, MemoryStore, type ClientStore, type OutboxEntry } from '../src/node.js';
// Node has no IndexedDB; fake-indexeddb is a complete implementation of the standard (the web app's Chromium tests use the real one).
import 'fake-indexeddb/auto';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-store-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** One contract, every store: each `reopen` gives a new instance over the same data (a restart). */
const STORES: Array<{ name: string; open(): () => ClientStore }> = [
  { name: 'MemoryStore', open: () => { const store = new MemoryStore(); return () => store; } },
  { name: 'FileStore', open: () => { const file = path.join(dir, `store-${n++}.json`); return () => new FileStore(file); } },
  // Runs where IndexedDB exists (the web app's browser tests); Node has none.
  { name: 'IndexedDBStore', open: () => { const name = `parley-test-${n++}`; return () => new IndexedDBStore(name); }, },
];

const entry = (i: number): OutboxEntry => ({ clientMsgId: `c${i}`, chatId: 'chat', type: 'text', content: `m${i}`, createdAt: new Date(0).toISOString() });
const session = (userId: string) => ({ user: { id: userId, username: userId, displayName: userId }, accessToken: 'a', refreshToken: 'r', refreshAt: 123 });

describe.each(STORES)('$name', ({ open }) => {
  it('starts empty', async () => {
    expect(await open()().load()).toEqual({ cursors: {}, changes: {}, outbox: [] });
  });

  it('keeps the outbox in insertion order across a reopen, with deletes and replacements', async () => {
    const reopen = open();
    const store = reopen();
    await store.load();
    await Promise.all([1, 2, 3, 4].map((i) => store.putOutbox(entry(i))));
    await store.deleteOutbox('c2');
    await store.putOutbox({ ...entry(3), content: 'edited' });
    const again = reopen();
    expect((await again.load()).outbox).toEqual([entry(1), { ...entry(3), content: 'edited' }, entry(4)]);
  });

  it('moves cursors and change cursors only forward', async () => {
    const reopen = open();
    const store = reopen();
    await store.load();
    await store.setCursor('a', 5);
    await store.setCursor('a', 3);
    await store.setCursor('b', 1);
    await store.setChangeSeq('a', 7);
    await store.setChangeSeq('a', 2);
    const state = await reopen().load();
    expect(state.cursors).toEqual({ a: 5, b: 1 });
    expect(state.changes).toEqual({ a: 7 });
  });

  it('keeps the owner when the session is forgotten, and clear() forgets everything', async () => {
    const reopen = open();
    const store = reopen();
    await store.load();
    await store.setSession(session('u1'));
    expect(await reopen().load()).toMatchObject({ owner: 'u1', session: session('u1') });
    await store.setSession(undefined);
    const state = await reopen().load();
    expect(state.owner).toBe('u1');
    expect(state.session).toBeUndefined();
    await store.putOutbox(entry(1));
    await store.clear();
    expect(await reopen().load()).toEqual({ cursors: {}, changes: {}, outbox: [] });
  });
});

describe('FileStore', () => {
  it('replaces the file atomically and coalesces a burst of writes', async () => {
    const file = path.join(dir, 'burst.json');
    const store = new FileStore(file);
    await store.load();
    const tempFileEvents: string[] = [];
    const watcher = fs.watch(dir, (_event, name) => name?.startsWith('burst.json.') && tempFileEvents.push(name));
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.putOutbox(entry(i))));
    await new Promise((r) => setTimeout(r, 50));
    watcher.close();
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).outbox).toHaveLength(200);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('burst.json.'))).toEqual([]); // No temp file left.
    expect(tempFileEvents.length).toBeGreaterThan(0);
    expect(tempFileEvents.length).toBeLessThan(50);
  });

  it('refuses a file in an unknown format rather than losing it', async () => {
    const file = path.join(dir, 'foreign.json');
    fs.writeFileSync(file, JSON.stringify({ format: 99 }));
    await expect(new FileStore(file).load()).rejects.toThrow(/unknown store format/);
  });
});
