import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { HistoryQuery, Message, SendMessageBody } from '@parley/protocol';
import type { Context } from '../../context.js';
import { loadHistory, loadMessage } from '../../messages/history.js';
import { checkMessageInput } from '../../messages/checkMessageInput.js';
import type { MessageWriter } from '../../messages/MessageWriter.js';
import { bearer, errorReplies, IdParams, MessageParams } from '../schemas.js';

/** The REST fallback for sending goes through the same writer as WebSocket sends. */
export const messageRoutes: FastifyPluginAsyncTypebox<{ ctx: Context; writer: MessageWriter }> = async (app, { ctx, writer }) => {
  const tags = ['messages'];

  app.get('/chats/:id/messages', {
    schema: { tags, security: bearer, params: IdParams, querystring: HistoryQuery,
      response: { 200: Type.Object({ messages: Type.Array(Message), hasMore: Type.Boolean() }), ...errorReplies(403, 404) } },
  }, async (request) => loadHistory(ctx, request.caller, request.params.id, request.query));

  // One message by id, as history shows it: where a client finds a message's seq (a quote's target).
  app.get('/chats/:id/messages/:messageId', {
    schema: { tags, security: bearer, params: MessageParams,
      response: { 200: Type.Object({ message: Message }), ...errorReplies(403, 404) } },
  }, async (request) => ({ message: await loadMessage(ctx, request.caller, request.params.id, request.params.messageId) }));

  app.post('/chats/:id/messages', {
    schema: { tags, security: bearer, params: IdParams, body: SendMessageBody,
      response: { 201: Type.Object({ message: Message }), ...errorReplies(403, 404, 413) } },
  }, async (request, reply) => {
    const { clientMsgId, ...input } = request.body;
    checkMessageInput(input);
    const result = await writer.send({ caller: request.caller, chatId: request.params.id, clientMsgId, input });
    if (!result.ok) throw result.error;
    return reply.status(201).send({ message: result.message });
  });
};
