import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

/** One registry per server instance, so several servers in one test process do not collide. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'parley_' });
  return {
    registry,
    connections: new Gauge({
      name: 'parley_ws_connections',
      help: 'Open authenticated connections, by transport (websocket, sse, poll mailboxes)',
      labelNames: ['transport'],
      registers: [registry],
    }),
    pushes: new Counter({
      name: 'parley_pushes_total',
      help: 'Web Push messages, by outcome: sent, gone (subscription removed), refused (endpoint not on a public address; removed), failed, dropped (queue full)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    swept: new Counter({
      name: 'parley_swept_total',
      help: 'What the periodic sweeps removed, by kind: devices (dead sessions), refresh_tokens (expired), media (unreferenced uploads), blobs (files and thumbnails no upload holds any more)',
      labelNames: ['kind'],
      registers: [registry],
    }),
    sweepFailures: new Counter({ name: 'parley_sweep_failures_total', help: 'Sweep runs that failed, by sweep (sessions, media)', labelNames: ['sweep'], registers: [registry] }),
    messagesStored: new Counter({ name: 'parley_messages_stored_total', help: 'Messages committed', registers: [registry] }),
    framesIn: new Counter({ name: 'parley_ws_frames_in_total', help: 'Frames received, by type', labelNames: ['type'], registers: [registry] }),
    slowConsumers: new Counter({ name: 'parley_ws_slow_consumers_total', help: 'Sockets closed for not reading', registers: [registry] }),
    commitBatchSize: new Histogram({
      name: 'parley_commit_batch_size',
      help: 'Messages per commit',
      buckets: [1, 2, 5, 10, 50, 100, 500, 1000, 5000],
      registers: [registry],
    }),
    commitSeconds: new Histogram({
      name: 'parley_commit_seconds',
      help: 'Time to store one batch of messages, commit included',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    httpSeconds: new Histogram({
      name: 'parley_http_request_seconds',
      help: 'REST request latency',
      labelNames: ['route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
      registers: [registry],
    }),
  };
}
