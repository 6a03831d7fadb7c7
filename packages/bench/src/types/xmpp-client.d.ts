// The part of @xmpp/client (which ships no types) that the bench uses.
declare module '@xmpp/client' {
  export interface Element {
    name: string;
    attrs: Record<string, string | undefined>;
    is(name: string, xmlns?: string): boolean;
    getChildText(name: string): string | null;
    toString(): string;
  }
  export interface XmppClient {
    socket: import('node:net').Socket | null;
    reconnect: { stop(): void };
    socketParameters(service: string): Record<string, unknown>;
    start(): Promise<unknown>;
    stop(): Promise<unknown>;
    send(element: Element): Promise<void>;
    /** Raw text onto the stream. */
    write(text: string): Promise<void>;
    on(event: 'stanza', listener: (stanza: Element) => void): void;
    on(event: 'connect' | 'offline' | 'online', listener: () => void): void;
    on(event: 'error', listener: (err: Error) => void): void;
  }
  export interface ClientOptions {
    service: string;
    domain: string;
    resource?: string;
    /** ms for each step of the stream negotiation (default 2000). */
    timeout?: number;
    credentials: (authenticate: (creds: { username: string; password: string }, mechanism: string) => Promise<void>, mechanisms: string[]) => Promise<void>;
  }
  export function client(options: ClientOptions): XmppClient;
  export function xml(name: string, attrs?: Record<string, string>, ...children: Array<Element | string>): Element;
}
