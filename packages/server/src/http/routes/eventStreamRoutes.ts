import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { PROTOCOL_VERSION } from '@parley/protocol';
import { authenticate } from '../../accounts/authenticate.js';
import type { Context } from '../../context.js';
import { Connection } from '../../gateway/Connection.js';
import type { ConnectionRegistry } from '../../gateway/ConnectionRegistry.js';
import { SseSink } from '../../gateway/SseSink.js';
import { bearerToken } from '../requireCaller.js';
import { errorReplies } from '../schemas.js';

const EventsQuery = Type.Object({
  access_token: Type.Optional(Type.String({ maxLength: 4096, description: 'for EventSource, which cannot set headers; prefer the header' })),
});

/**
 * `GET /events`: the server's frames as Server-Sent Events, for networks that block
 * WebSockets. The stream is a connection like a WebSocket: the same registry, the same frames,
 * presence, revocation and slow-consumer bound. What the client sends goes over REST.
 */
export const eventStreamRoutes: FastifyPluginAsyncTypebox<{ ctx: Context; registry: ConnectionRegistry }> = async (app, { ctx, registry }) => {
  let nextId = 1;
  app.get('/events', {
    schema: {
      tags: ['realtime'],
      security: [{ bearerAuth: [] }, {}],
      querystring: EventsQuery,
      response: {
        200: { description: 'one `data:` event per server frame, `ready` first; a `close` event ({code, reason}) before the server ends it', content: { 'text/event-stream': { schema: { type: 'string' } } } },
        ...errorReplies(),
      },
    },
    // A token in the query string must not end up in the logs.
    logSerializers: { req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url.replace(/access_token=[^&]*/, 'access_token=…') }) },
  }, async (request, reply) => {
    const caller = await authenticate(ctx, bearerToken(request) ?? request.query.access_token);
    reply.hijack();
    const res = reply.raw;
    const headers = Object.entries(reply.getHeaders()).filter((entry): entry is [string, string | number | string[]] => entry[1] !== undefined);
    res.writeHead(200, {
      ...Object.fromEntries(headers),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // nginx buffers responses unless told otherwise.
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    const sink = new SseSink(res);
    const conn = new Connection(sink, nextId++, ctx);
    conn.caller = caller;
    conn.alive = false;
    let pinged = false;
    let silent = 0;
    const keepAlive = setInterval(() => sink.comment('keepalive'), ctx.config.sseKeepAliveMs);
    // The stream's only sign of life is a pong asked for with `POST /ping` (the SDK pings every
    // 15 s). A client that pinged and then fell silent for two heartbeat intervals is gone, like
    // a WebSocket that stops answering pings; one that never pings lives until TCP gives up.
    const liveness = setInterval(() => {
      if (conn.alive) [pinged, silent, conn.alive] = [true, 0, false];
      else if (pinged && ++silent >= 2) sink.terminate();
    }, ctx.config.heartbeatIntervalMs);
    res.on('close', () => {
      clearInterval(keepAlive);
      clearInterval(liveness);
      registry.remove(conn);
    });
    // Registered before `ready`, as on the WebSocket: a sync after it misses nothing committed in between.
    registry.add(conn);
    conn.send({ type: 'ready', userId: caller.userId, deviceId: caller.deviceId, protocol: PROTOCOL_VERSION, connectionId: conn.key });
  });
};

