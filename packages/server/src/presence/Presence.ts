import type { StatusBody } from '@parley/protocol';

export type Status = StatusBody['status'];

/**
 * The status each user chose on this node (`away`, `offline` for invisible). Connection-driven
 * online/offline, last seen and its broadcast to contacts build on this (issue: delivery).
 */
export class Presence {
  private readonly chosen = new Map<string, Status>();

  set(userId: string, status: Status): Status {
    if (status === 'online') this.chosen.delete(userId);
    else this.chosen.set(userId, status);
    return status;
  }

  get(userId: string): Status {
    return this.chosen.get(userId) ?? 'online';
  }
}
