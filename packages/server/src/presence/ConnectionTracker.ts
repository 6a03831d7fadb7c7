/** `online` is true when a user comes online, false when they go offline; `at` is when it happened. */
export type ConnectionChange = (userId: string, online: boolean, at: number) => void;

/**
 * Which users count as connected: they hold a connection, or lost their last one less than
 * the grace period ago, so a quick reconnect does not flap. In process for one node
 * (LocalConnectionTracker), or across nodes through Redis (RedisConnectionTracker).
 */
export interface ConnectionTracker {
  /** An authenticated connection of `userId` opened. */
  connected(userId: string): void;
  /** One of `userId`'s connections closed. */
  disconnected(userId: string): void;
  /** The users among `userIds` who count as connected. */
  connectedAmong(userIds: string[]): Promise<Set<string>>;
  /** The one listener for transitions: first connection in, grace period over after the last one out. */
  onChange(listener: ConnectionChange): void;
  /** Users connected only through this node (or in their grace period here), for the last-seen stamp at shutdown. */
  usersHere(): Promise<string[]>;
  /** Stops the grace timers; connects and disconnects after this are ignored. */
  close(): Promise<void> | void;
}
