import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import pino from 'pino';
import { Redis } from 'ioredis';
import type { Config } from './config.js';
import type { Context } from './context.js';
import { openStore } from './store/openStore.js';
import { openBus } from './bus/openBus.js';
import { createTokens, loadTokenSecret } from './accounts/tokens.js';
import { DeviceChecks } from './accounts/DeviceChecks.js';
import { createMetrics } from './metrics.js';
import { Presence } from './presence/Presence.js';
import { LocalConnectionTracker } from './presence/LocalConnectionTracker.js';
import { clusterRateLimitStore } from './http/ClusterRateLimitStore.js';
import { RedisConnectionTracker } from './presence/RedisConnectionTracker.js';
import { Typing } from './typing/Typing.js';
import { MessageWriter } from './messages/MessageWriter.js';
import { ReceiptWriter } from './receipts/ReceiptWriter.js';
import { Gateway } from './gateway/Gateway.js';
import { ConnectionRegistry } from './gateway/ConnectionRegistry.js';
import { PollMailboxes } from './gateway/PollMailboxes.js';
import { installErrorReplies } from './http/errorReplies.js';
import { requireCaller } from './http/requireCaller.js';
import { registerOpenApi } from './http/openapi.js';
import { authRoutes } from './http/routes/authRoutes.js';
import { userRoutes } from './http/routes/userRoutes.js';
import { contactRoutes } from './http/routes/contactRoutes.js';
import { chatRoutes } from './http/routes/chatRoutes.js';
import { messageRoutes } from './http/routes/messageRoutes.js';
import { presenceRoutes } from './http/routes/presenceRoutes.js';
import { receiptRoutes } from './http/routes/receiptRoutes.js';
import { eventStreamRoutes } from './http/routes/eventStreamRoutes.js';
import { pollRoutes } from './http/routes/pollRoutes.js';
import { frameRoutes } from './http/routes/frameRoutes.js';
import { trackFreshConnections } from './http/freshConnections.js';
import { AppError } from './errors.js';
import { openBlobStore } from './media/openBlobStore.js';
import { MediaUrls } from './media/MediaUrls.js';
import { mediaRoutes } from './http/routes/mediaRoutes.js';
import { mediaContentRoutes } from './http/routes/mediaContentRoutes.js';
import { messageActionRoutes } from './http/routes/messageActionRoutes.js';
import { searchRoutes } from './http/routes/searchRoutes.js';
import { accountDataRoutes } from './http/routes/accountDataRoutes.js';
import { pushRoutes } from './http/routes/pushRoutes.js';
import { PushNotifier } from './notifications/PushNotifier.js';
import { Sweeper } from './maintenance/Sweeper.js';
import { ContentLocks } from './media/ContentLocks.js';
import { sweepDeadSessions } from './accounts/sweepDeadSessions.js';
import { sweepUnreferencedMedia } from './media/sweepUnreferencedMedia.js';

export interface Parley {
  app: FastifyInstance;
  ctx: Context;
  gateway: Gateway;
  /** The periodic clean-ups; `sweeper.run(name)` sweeps now. */
  sweeper: Sweeper;
  /** Stops accepting, tells clients to reconnect, finishes in-flight commits, closes storage. */
  close(): Promise<void>;
}

/** Wires the parts together; `listen` is the caller's, so tests can pick an ephemeral port. */
export async function buildParley(config: Config): Promise<Parley> {
  const log = pino({ level: config.logLevel });
  const store = await openStore(config, log);
  const secret = await loadTokenSecret(store.db, config.tokenSecret);
  const bus = await openBus(config, log);
  // With several nodes, connections are counted in Redis so presence is the same from every node.
  const tracker = config.redisUrl
    ? await RedisConnectionTracker.open(config.redisUrl, config.redisPrefix, config.presenceGraceMs, config.presenceNodeTtlMs, log)
    : new LocalConnectionTracker(config.presenceGraceMs);
  const metrics = createMetrics();
  const presence = new Presence({ store, bus, log }, tracker);
  const ctx: Context = {
    config,
    store,
    bus,
    tokens: createTokens(secret, config.accessTokenTtlSec, config.refreshTokenTtlSec),
    deviceChecks: new DeviceChecks(store.db),
    metrics,
    log,
    presence,
    typing: new Typing(bus, config.typingTtlMs),
    receipts: new ReceiptWriter({ config, store, bus, log }),
    blobs: openBlobStore(config),
    contentLocks: new ContentLocks(store),
    mediaUrls: new MediaUrls(secret, config.mediaUrlTtlSec),
    push: await PushNotifier.open({ store, presence, log, metrics, config: config.push }),
  };
  const writer = new MessageWriter(ctx);
  // WebSockets, SSE streams and poll mailboxes: one fan-out for all three.
  const connections = new ConnectionRegistry(ctx);
  const mailboxes = new PollMailboxes(ctx, connections);

  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    trustProxy: config.trustProxy,
    ajv: { customOptions: { removeAdditional: true, coerceTypes: 'array', allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  installErrorReplies(app);
  // With several nodes the counters live in Redis, so a client's budget is the same whichever node it hits.
  const rateLimitRedis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false }) : undefined;
  rateLimitRedis?.on('error', (err) => log.warn({ err: err.message }, 'rate-limit redis connection error; retrying'));
  const sharedCounters = rateLimitRedis
    ? clusterRateLimitStore(rateLimitRedis, `${config.redisPrefix}:rl:`, (err) => log.warn({ err: err.message }, 'rate-limit sync failed; counting on this node meanwhile'))
    : undefined;
  await app.register(rateLimit, {
    ...(sharedCounters ? { store: sharedCounters.Store, skipOnError: true } : {}),
    max: config.httpRatePerMin,
    timeWindow: 60_000,
    errorResponseBuilder: (_req, context) => new AppError('rate_limited', `too many requests; retry in ${Math.ceil(context.ttl / 1000)} s`, Math.ceil(context.ttl / 1000)),
  });
  await registerOpenApi(app);
  app.addHook('onResponse', async (request, reply) => {
    ctx.metrics.httpSeconds.observe({ route: request.routeOptions.url ?? 'unknown', status: reply.statusCode }, reply.elapsedTime / 1000);
  });

  // Draining: a load balancer (or Kubernetes readiness probe) stops sending new traffic here.
  let draining = false;
  app.get('/healthz', { schema: { hide: true }, config: { rateLimit: false } }, async (_request, reply) =>
    draining ? reply.status(503).send({ status: 'draining' }) : { status: 'ok' });
  app.get('/metrics', { schema: { hide: true }, config: { rateLimit: false } }, async (_request, reply) => {
    return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });

  await app.register(async (api) => {
    await api.register(authRoutes, { ctx });
    await api.register(eventStreamRoutes, { ctx, registry: connections }); // its own auth: header or ?access_token=
    await api.register(mediaContentRoutes, { ctx }); // its own auth: a signed, expiring URL
    await api.register(async (authed) => {
      requireCaller(authed, ctx);
      await authed.register(userRoutes, { ctx });
      await authed.register(accountDataRoutes, { ctx });
      await authed.register(contactRoutes, { ctx });
      await authed.register(chatRoutes, { ctx });
      await authed.register(messageRoutes, { ctx, writer });
      await authed.register(messageActionRoutes, { ctx, writer });
      await authed.register(mediaRoutes, { ctx });
      await authed.register(searchRoutes, { ctx });
      await authed.register(pushRoutes, { ctx });
      await authed.register(presenceRoutes, { ctx });
      await authed.register(receiptRoutes, { ctx });
      await authed.register(frameRoutes, { ctx });
      await authed.register(pollRoutes, { mailboxes });
    });
  }, { prefix: '/api/v1' });
  await app.register((await import('./http/webApp.js')).webApp); // the web app at /, after the API it must not shadow

  await app.ready();
  const gateway = new Gateway(ctx, writer, connections);
  gateway.attach(app.server);
  const fresh = trackFreshConnections(app.server);
  const sweeper = new Sweeper({
    sessions: (run) => sweepDeadSessions(ctx, run),
    media: (run) => sweepUnreferencedMedia(ctx, run),
  }, { log, metrics, intervalMs: config.sweepIntervalSec * 1000 });
  sweeper.start();

  return {
    app,
    ctx,
    gateway,
    sweeper,
    async close() {
      draining = true;
      await sweeper.close(); // stops between batches: it publishes on the bus and writes to the store, closed below
      await gateway.close();
      connections.close();
      fresh.destroyAll();
      // Node closes idle keep-alive sockets once, when close starts; one whose response is still
      // being flushed at that moment turns idle a tick later and would hold close() for the
      // 72 s keep-alive timeout. Sweeping again until closed lets it go as soon as it is idle.
      const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
      await app.close().finally(() => clearInterval(sweep));
      await writer.drain();
      await ctx.push.close();
      ctx.typing.close();
      await ctx.presence.close();
      await ctx.receipts.drain();
      await ctx.bus.close();
      sharedCounters?.close();
      rateLimitRedis?.disconnect();
      await ctx.blobs.close();
      await store.close();
    },
  };
}
