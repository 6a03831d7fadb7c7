import type { ServerFrame } from '@parley/protocol';

/**
 * A frame for some users' connected devices. Recipients are decided where the write
 * happens (membership checked there), never by clients filtering a shared stream.
 */
export interface FrameEvent {
  kind: 'frame';
  userIds: string[];
  frame: ServerFrame;
  /** The connection that caused it and already has it as an ack (unique across nodes). */
  exceptConnection?: string;
  /** Only this connection of those users gets it (a `pong` for an SSE stream or poll mailbox). */
  onlyConnection?: string;
}

/** A login session ended: its sockets on every node close at once. */
export interface RevokeEvent {
  kind: 'revoke';
  userId: string;
  deviceId: string;
}

export type BusEvent = FrameEvent | RevokeEvent;

/** Fan-out port: in-process for one node, Redis across nodes. Publish only after commit. */
export interface Bus {
  /** True when events also come from other nodes, and so may arrive out of commit order. */
  readonly spansNodes: boolean;
  publish(events: BusEvent[]): void;
  subscribe(handler: (events: BusEvent[]) => void): void;
  close(): Promise<void>;
}
