import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { DeleteMessageQuery, EditMessageBody, ForwardBody, Message, ReactionBody } from '@parley/protocol';
import type { Context } from '../../context.js';
import type { MessageWriter } from '../../messages/MessageWriter.js';
import { editMessage } from '../../messages/editMessage.js';
import { deleteForEveryone, deleteForMe } from '../../messages/deleteMessage.js';
import { reactToMessage } from '../../messages/reactToMessage.js';
import { forwardMessage } from '../../messages/forwardMessage.js';
import { bearer, errorReplies, MessageParams } from '../schemas.js';

const MessageReply = Type.Object({ message: Message });

/** Edit, delete (for everyone or for me), react and forward. Each answers the message as the caller now sees it. */
export const messageActionRoutes: FastifyPluginAsyncTypebox<{ ctx: Context; writer: MessageWriter }> = async (app, { ctx, writer }) => {
  const tags = ['messages'];
  const path = '/chats/:id/messages/:messageId';

  app.patch(path, {
    schema: { tags, security: bearer, params: MessageParams, body: EditMessageBody, response: { 200: MessageReply, ...errorReplies(403, 404, 409, 413) } },
  }, async (request) => ({ message: await editMessage(ctx, request.caller, request.params.id, request.params.messageId, request.body.content) }));

  app.delete(path, {
    schema: { tags, security: bearer, params: MessageParams, querystring: DeleteMessageQuery, response: { 200: MessageReply, ...errorReplies(403, 404) } },
  }, async (request) => {
    const remove = request.query.for === 'me' ? deleteForMe : deleteForEveryone;
    return { message: await remove(ctx, request.caller, request.params.id, request.params.messageId) };
  });

  app.post(`${path}/reactions`, {
    schema: { tags, security: bearer, params: MessageParams, body: ReactionBody, response: { 200: MessageReply, ...errorReplies(403, 404, 409) } },
  }, async (request) => ({ message: await reactToMessage(ctx, request.caller, request.params.id, request.params.messageId, request.body.emoji) }));

  app.delete(`${path}/reactions`, {
    schema: { tags, security: bearer, params: MessageParams, response: { 200: MessageReply, ...errorReplies(403, 404, 409) } },
  }, async (request) => ({ message: await reactToMessage(ctx, request.caller, request.params.id, request.params.messageId, undefined) }));

  app.post(`${path}/forward`, {
    schema: { tags, security: bearer, params: MessageParams, body: ForwardBody, response: { 201: MessageReply, ...errorReplies(403, 404, 409) } },
  }, async (request, reply) => {
    const { toChatId, clientMsgId } = request.body;
    const result = await forwardMessage(ctx, writer, request.caller, request.params.id, request.params.messageId, toChatId, clientMsgId);
    if (!result.ok) throw result.error;
    return reply.status(201).send({ message: result.message });
  });
};
