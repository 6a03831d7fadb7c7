import crypto from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { FastifyRateLimitStore } from '@fastify/rate-limit';
import { clusterRateLimitStore, RATE_LIMIT_SYNC_MS } from '../src/http/ClusterRateLimitStore.js';
import { freePort } from './support/childServer.js';

// The counters behind the REST budget with several nodes, against the suite's real Redis. Each
// "node" is a store of its own on its own connection, as two server processes would have.
const redisUrl = process.env.PARLEY_TEST_REDIS_URL!;
const clients: Redis[] = [];
const closers: Array<() => void> = [];
afterAll(() => {
  closers.forEach((close) => close());
  clients.forEach((c) => c.disconnect());
});

async function node(prefix: string, url = redisUrl, errors: Error[] = []) {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: url !== redisUrl });
  redis.on('error', () => {});
  clients.push(redis);
  if (url === redisUrl) await new Promise((resolve) => redis.once('ready', resolve));
  const { Store, close } = clusterRateLimitStore(redis, prefix, (err) => errors.push(err));
  closers.push(close);
  return new Store({});
}

const incr = (store: FastifyRateLimitStore, key: string, windowMs = 60_000) =>
  new Promise<{ current: number; ttl: number }>((resolve, reject) => store.incr(key, (err, res) => (err ? reject(err) : resolve(res!)), windowMs, 100));
const synced = () => new Promise((r) => setTimeout(r, RATE_LIMIT_SYNC_MS * 3));
const route = (url: string) => ({ routeInfo: { method: 'POST', url } }) as unknown as Parameters<FastifyRateLimitStore['child']>[0];

describe('rate-limit counters shared through Redis', () => {
  it('starts from the cluster\'s count, then counts on the node, at most one sync behind the others', async () => {
    const prefix = `t${crypto.randomUUID()}:`;
    const [a, b] = await Promise.all([node(prefix), node(prefix)]);
    for (let i = 1; i <= 5; i++) expect((await incr(a, 'client')).current).toBe(i);
    await synced();
    expect((await incr(b, 'client')).current).toBe(6); // b's first: asked Redis
    expect((await incr(b, 'client')).current).toBe(7); // counted on b
    await synced();
    expect((await incr(a, 'client')).current).toBe(6); // a has not synced since b counted
    await synced();
    expect((await incr(a, 'client')).current).toBe(9);
    expect((await incr(a, 'other client')).current).toBe(1);
  });

  it('loses no count when both nodes admit at the same time: the cluster total is their sum', async () => {
    const prefix = `t${crypto.randomUUID()}:`;
    const [a, b] = await Promise.all([node(prefix), node(prefix)]);
    const burst = await Promise.all([...Array.from({ length: 30 }, () => incr(a, 'c')), ...Array.from({ length: 20 }, () => incr(b, 'c'))]);
    expect(new Set(burst.slice(0, 30).map((r) => r.current)).size).toBe(30); // each node counts every one
    await synced();
    expect(Number(await clients[0]!.get(`${prefix}c`))).toBe(50);
    expect(await clients[0]!.pttl(`${prefix}c`)).toBeGreaterThan(50_000);
  });

  it('takes the window the cluster started, and starts a new one when it ends', async () => {
    const prefix = `t${crypto.randomUUID()}:`;
    const [a, b] = await Promise.all([node(prefix), node(prefix)]);
    await incr(a, 'c', 1000);
    await synced();
    const first = await incr(b, 'c', 1000);
    expect(first.current).toBe(2);
    expect(first.ttl).toBeLessThanOrEqual(1000 - RATE_LIMIT_SYNC_MS * 3); // a's window, not one b started
    const { current, ttl } = await incr(b, 'c', 1000);
    expect(current).toBe(3);
    expect(ttl).toBeLessThanOrEqual(first.ttl);
    await new Promise((r) => setTimeout(r, ttl + 50));
    expect((await incr(b, 'c', 1000)).current).toBe(1);
  });

  it('a route\'s own budget is exact: every count goes to Redis before it is answered', async () => {
    const prefix = `t${crypto.randomUUID()}:`;
    const [a, b] = (await Promise.all([node(prefix), node(prefix)])).map((n) => n.child(route('/auth/login')));
    expect((await incr(a, 'c')).current).toBe(1);
    expect((await incr(b, 'c')).current).toBe(2);
    expect((await incr(a, 'c')).current).toBe(3);
    expect(Number(await clients.at(-1)!.get(`${prefix}POST/auth/login-c`))).toBe(3);
  });

  it('without Redis a node goes on counting what it admits itself, so a budget still holds', async () => {
    const errors: Error[] = [];
    const a = await node('t:', `redis://127.0.0.1:${await freePort()}`, errors);
    for (let i = 1; i <= 5; i++) expect((await incr(a, 'c')).current).toBe(i);
    await synced();
    expect((await incr(a, 'c')).current).toBe(6);
    expect(errors.length).toBeGreaterThan(0);
  });
});
