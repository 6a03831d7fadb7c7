export { ParleyClient, type ParleyClientOptions, type Session, type WebSocketConstructor } from './ParleyClient.js';
export { ParleyError } from './http.js';
export type * from '@parley/protocol';
