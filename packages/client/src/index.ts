/** The SDK for browsers and Node. Node-only parts (FileStore) are in `@parley/client/node`. */
export { ParleyClient } from './ParleyClient.js';
export type { ClientEvents, ParleyClientOptions } from './ParleyClientOptions.js';
export type { ConnectionState } from './Connector.js';
export type { SessionEnded } from './Auth.js';
export type { LocalMessage, MessageStatus } from './Outbox.js';
export type { Tick } from './Ticks.js';
export type { Session } from './session.js';
export { ParleyError } from './http.js';
export { Recency } from './Recency.js';
export { backoffDelay, type BackoffOptions } from './backoff.js';
export type { ClientStore, OutboxEntry, StoredSession, StoredState } from './store/ClientStore.js';
export { MemoryStore } from './store/MemoryStore.js';
export { IndexedDBStore } from './store/IndexedDBStore.js';
export { namedTransport, type OutgoingFrame, type RestCall, type Transport, type TransportFactory, type TransportHandlers, type TransportOptions } from './transport/Transport.js';
export { webSocketTransport, type WebSocketConstructor, type WebSocketLike } from './transport/WebSocketTransport.js';
export { sseTransport } from './transport/SseTransport.js';
export { longPollTransport, type LongPollOptions } from './transport/LongPollTransport.js';
export type * from '@parley/protocol';
