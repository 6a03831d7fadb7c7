import type { ClientKind } from '../targets/Target.js';

/** One client a worker opens. `url` is picked by the coordinator, so a cluster's nodes share the clients. */
export interface ClientSpec {
  kind: ClientKind;
  url: string;
  user: string;
  secret: string;
}

/** A 1:1 route: the worker's client number `from` sends to `to` (a chat id, JID user or user id). */
export interface Route {
  from: number;
  to: string;
}

export type Command =
  | { op: 'open'; clients: ClientSpec[]; sourceAddresses: string[]; concurrency: number }
  | { op: 'count' }
  | { op: 'expect'; step: number; perMessage: boolean }
  | { op: 'send'; step: number; routes: Route[]; ratePerSec: number; startAtUs: number; durationMs: number }
  | { op: 'report'; step: number }
  | { op: 'closeAll' };

export interface OpenResult {
  /** The worker's number for each spec, or -1 where it failed. */
  indices: number[];
  failed: number;
  firstError?: string;
}

export interface CountResult {
  open: number;
  closed: number;
}

export interface SendResult {
  sent: number;
  /** How late the generator sent, against the schedule (µs): shows when the generator itself lags. */
  lag: string;
}

export interface StepReport {
  acked: number;
  ack: string;
  delivered: number;
  e2e: string;
  errors: number;
  firstError?: string;
  /** Per message number k: how many clients got it, and the latest of them (µs after its scheduled send). */
  perMessage?: Array<[number, number, number]>;
}

export type Request = { id: number } & Command;
export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/**
 * The text of every benchmark message: step, message number and scheduled send time (µs on the
 * shared monotonic clock). Receivers read the latency straight from the frame.
 */
export const tagContent = (step: number, k: number, scheduledUs: number): string => `b${step}.${k}.${scheduledUs}`;

export function parseTag(content: string): { step: number; k: number; scheduledUs: number } | undefined {
  if (content.charCodeAt(0) !== 98 /* b */) return undefined;
  const [step, k, us] = content.slice(1).split('.');
  const scheduledUs = Number(us);
  return Number.isFinite(scheduledUs) ? { step: Number(step), k: Number(k), scheduledUs } : undefined;
}
