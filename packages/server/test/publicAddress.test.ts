import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_PUBLIC, isPublicAddress, publicOnlyLookup } from '../src/notifications/publicAddress.js';

describe('isPublicAddress', () => {
  it('tells addresses the internet routes from loopback, private, link-local and reserved ones', () => {
    for (const address of ['8.8.8.8', '203.1.113.7', '142.250.74.110', '2a00:1450:4001:82b::200a', '2606:4700::1111', '::ffff:8.8.8.8']) {
      expect(isPublicAddress(address), address).toBe(true);
    }
    for (const address of [
      '127.0.0.1', '127.255.0.9', '10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1',
      '0.0.0.0', '224.0.0.1', '255.255.255.255', '198.18.0.1', '::1', '::', 'fe80::1', 'fd12:3456::1', 'fc00::1', 'ff02::1',
      '::ffff:127.0.0.1', '::FFFF:10.0.0.1', '64:ff9b::a00:1', 'not an address', '',
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });
});

describe('publicOnlyLookup', () => {
  let server: http.Server;
  let port: number;
  let requests = 0;
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      requests++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const get = (options: http.RequestOptions) =>
    new Promise<NodeJS.ErrnoException | number>((resolve) => {
      http.get({ port, path: '/', agent: false, ...options }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      }).on('error', resolve);
    });

  it('refuses a name that resolves to loopback before connecting, where the default lookup connects', async () => {
    expect(await get({ host: 'localhost', family: 4 })).toBe(200);
    expect(requests).toBe(1);
    const refused = await get({ host: 'localhost', family: 4, lookup: publicOnlyLookup });
    expect((refused as NodeJS.ErrnoException).code).toBe(NOT_PUBLIC);
    expect((refused as Error).message).toBe('localhost resolves to 127.0.0.1, not a public address');
    expect(requests).toBe(1);
  });

  it('passes on what a public name resolves to, in the form the caller asked for', async () => {
    const one = await new Promise<unknown[]>((resolve) => publicOnlyLookup('8.8.4.4', {}, (...args) => resolve(args)));
    expect(one).toEqual([null, '8.8.4.4', 4]);
    const all = await new Promise<unknown[]>((resolve) => publicOnlyLookup('2606:4700::1111', { all: true }, (...args) => resolve(args)));
    expect(all).toEqual([null, [{ address: '2606:4700::1111', family: 6 }]]);
  });
});
