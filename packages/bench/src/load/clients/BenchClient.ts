/** What a protocol adapter reports back to the worker; contents are benchmark tags (see messages.ts). */
export interface ClientEvents {
  deliver(content: string): void;
  ack(content: string): void;
  error(text: string, ref?: string): void;
  closed(): void;
}

/** One connected, authenticated client of any target. */
export interface BenchClient {
  /** Sends `content` to `to`; `clientMsgId` is unique per sender. Never waits. */
  send(to: string, content: string, clientMsgId: string): void;
  close(): void;
}

export interface ConnectSpec {
  url: string;
  user: string;
  secret: string;
  localAddress?: string;
}

export type Connect = (spec: ConnectSpec, events: ClientEvents) => Promise<BenchClient>;

export const CONNECT_TIMEOUT_MS = 60_000;

export function withTimeout<T>(promise: Promise<T>, what: string, cleanup: () => void): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => (cleanup(), reject(new Error(`${what}: no answer in ${CONNECT_TIMEOUT_MS} ms`))), CONNECT_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
