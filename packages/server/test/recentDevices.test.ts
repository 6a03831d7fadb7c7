import { describe, expect, it } from 'vitest';
import { LocalBus } from '../src/bus/LocalBus.js';
import { RecentDevices, RECENT_DEVICE_TTL_MS } from '../src/accounts/RecentDevices.js';

// The REST edge's memory of devices found valid. What it must never do is vouch for a revoked
// device beyond its bound; that revocations reach it at once is tested through HTTP in
// accounts.test.ts (one node) and multiNode.test.ts (across nodes).
function setUp() {
  const bus = new LocalBus();
  let now = 1_000_000;
  const recent = new RecentDevices(bus, RECENT_DEVICE_TTL_MS, () => now);
  const revoke = (userId: string, deviceId: string) => bus.publish([{ kind: 'revoke', userId, deviceId }]);
  return { recent, revoke, advance: (ms: number) => (now += ms) };
}

describe('RecentDevices', () => {
  it('vouches for a device found valid until RECENT_DEVICE_TTL_MS has passed, then asks for a lookup again', () => {
    const { recent, advance } = setUp();
    expect(recent.has('u1', 'd1')).toBe(false);
    recent.remember('u1', 'd1', recent.ticket());
    expect(recent.has('u1', 'd1')).toBe(true);
    expect(recent.has('u2', 'd1')).toBe(false);
    advance(RECENT_DEVICE_TTL_MS - 1);
    expect(recent.has('u1', 'd1')).toBe(true);
    advance(1);
    expect(recent.has('u1', 'd1')).toBe(false);
  });

  it('forgets a device as soon as its revocation is published', () => {
    const { recent, revoke } = setUp();
    recent.remember('u1', 'd1', recent.ticket());
    recent.remember('u1', 'd2', recent.ticket());
    revoke('u1', 'd1');
    expect(recent.has('u1', 'd1')).toBe(false);
    expect(recent.has('u1', 'd2')).toBe(true);
  });

  it('does not remember a lookup that was in flight when a revocation arrived', () => {
    const { recent, revoke } = setUp();
    const ticket = recent.ticket();
    revoke('u1', 'd1'); // committed after the lookup read the row
    recent.remember('u1', 'd1', ticket);
    expect(recent.has('u1', 'd1')).toBe(false);
    recent.remember('u1', 'd1', recent.ticket()); // a lookup started afterwards is trusted (it would have found no row)
    expect(recent.has('u1', 'd1')).toBe(true);
  });

  it('drops expired devices as new ones are remembered, so it holds only the last few seconds of sessions', () => {
    const { recent, advance } = setUp();
    for (let i = 0; i < 1000; i++) recent.remember('u', `old${i}`, recent.ticket());
    advance(RECENT_DEVICE_TTL_MS);
    recent.remember('u', 'fresh', recent.ticket());
    expect((recent as unknown as { seen: Map<string, unknown> }).seen.size).toBe(1);
  });
});
