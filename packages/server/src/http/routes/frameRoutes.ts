import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { PingBody, SyncBody, SyncReply, TypingBody } from '@parley/protocol';
import type { Context } from '../../context.js';
import { catchUp } from '../../messages/catchUp.js';
import { applyTyping } from '../../typing/applyTyping.js';
import { bearer, errorReplies, IdParams } from '../schemas.js';

/**
 * The WebSocket's client frames over REST, for clients on SSE or long polling (`send` and
 * `receipt` already have routes): `sync`, `ping` and `typing`, through the same code.
 */
export const frameRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const tags = ['realtime'];

  app.post('/sync', { schema: { tags, security: bearer, body: SyncBody, response: { 200: SyncReply, ...errorReplies() } } },
    async (request) => ({ chats: await catchUp(ctx, request.caller, request.body.cursors, request.body.limit, request.body.changes) }));

  // The pong travels the bus like any frame, so it finds the stream on whichever node holds it.
  app.post('/ping', { schema: { tags, security: bearer, body: PingBody, response: { 204: Type.Null(), ...errorReplies() } } }, async (request, reply) => {
    ctx.bus.publish([{ kind: 'frame', userIds: [request.caller.userId], frame: { type: 'pong' }, onlyConnection: request.body.connectionId }]);
    return reply.status(204).send(null);
  });

  // Typing over REST belongs to the device rather than a connection: it stops by `stop` or the TTL.
  app.post('/chats/:id/typing', {
    schema: { tags, security: bearer, params: IdParams, body: TypingBody, response: { 204: Type.Null(), ...errorReplies(403, 404) } },
  }, async (request, reply) => {
    const { userId, deviceId } = request.caller;
    await applyTyping(ctx, { connection: `rest:${deviceId}`, userId, chatId: request.params.id, state: request.body.state, stillOpen: () => true });
    return reply.status(204).send(null);
  });
};
