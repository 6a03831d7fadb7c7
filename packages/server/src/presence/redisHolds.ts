import type { Redis } from 'ioredis';

/** This node starting (`join`) or ending its hold on a user, in the order the gateway reported them. */
export interface Hold {
  userId: string;
  join: boolean;
  /** When the first connection opened, or the last one closed (a leave's `at` is the user's last seen). */
  at: number;
}

/**
 * A batch of holds in one round trip, applied in order: each join first checks whether a live
 * node other than this one holds the user, then adds this node to the user's node set; each
 * leave removes it, then checks the same. Why one script for many: a pipeline and a MULTI per
 * connection (their command objects and replies, ~8 KiB) stayed alive across round trips long
 * enough to be promoted to V8's old space, where that garbage stayed resident until the next
 * full collection: most of what an idle connection cost over the embedded backend.
 *
 * ARGV: prefix, node, then a flag (1 join, 0 leave) and a user id per hold. Returns 1 per hold
 * held elsewhere. Keys are built in the script, as the MULTI across users did before: one Redis,
 * not a cluster.
 */
const HOLDS_LUA = `
local prefix, node = ARGV[1], ARGV[2]
local mine = prefix .. ':nodeusers:' .. node
local out = {}
for i = 3, #ARGV, 2 do
  local join, user = ARGV[i] == '1', ARGV[i + 1]
  local key = prefix .. ':user:' .. user
  if not join then
    redis.call('SREM', key, node)
    redis.call('SREM', mine, user)
  end
  local elsewhere = 0
  for _, other in ipairs(redis.call('SMEMBERS', key)) do
    if other ~= node and redis.call('EXISTS', prefix .. ':node:' .. other) == 1 then
      elsewhere = 1
      break
    end
  end
  if join then
    redis.call('SADD', key, node)
    redis.call('SADD', mine, user)
  end
  out[#out + 1] = elsewhere
end
return out
`;

/** Holds per script call: a few milliseconds of Redis's time at most. */
export const MAX_HOLDS = 1000;

interface HoldsCommand {
  parleyPresenceHolds(...args: string[]): Promise<number[]>;
}

/** Registers the script on `redis` (ioredis sends it by SHA, and in full after a Redis restart). */
export function withHolds(redis: Redis): Redis & HoldsCommand {
  redis.defineCommand('parleyPresenceHolds', { numberOfKeys: 0, lua: HOLDS_LUA });
  return redis as Redis & HoldsCommand;
}

/** Applies `holds` in order; per hold, whether another live node holds the user. */
export async function applyHolds(redis: Redis & HoldsCommand, prefix: string, node: string, holds: Hold[]): Promise<boolean[]> {
  const args = [prefix, node];
  for (const h of holds) args.push(h.join ? '1' : '0', h.userId);
  const elsewhere = await redis.parleyPresenceHolds(...args);
  return holds.map((_, i) => elsewhere[i] === 1);
}
