import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AddMembersBody, Chat, GroupChatBody, MuteBody, PrivateChatBody, RenameChatBody, RoleBody } from '@parley/protocol';
import type { Context } from '../../context.js';
import { createPrivateChat } from '../../chats/createPrivateChat.js';
import { createGroupChat } from '../../chats/createGroupChat.js';
import { getChat, listChats } from '../../chats/listChats.js';
import { setChatMute } from '../../chats/muteChat.js';
import { addMembers, leaveChat, removeMember, renameGroup, setMemberRole } from '../../chats/manageGroup.js';
import { bearer, errorReplies, IdParams, MemberParams } from '../schemas.js';

export const chatRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const tags = ['chats'];
  const one = { 200: Chat, ...errorReplies(403, 404, 409) };

  app.post('/chats/private', { schema: { tags, security: bearer, body: PrivateChatBody, response: { 201: Chat, ...one } } },
    async (request, reply) => {
      const { chat, created } = await createPrivateChat(ctx, request.caller, request.body.userId);
      return reply.status(created ? 201 : 200).send(chat);
    });

  app.post('/chats/group', { schema: { tags, security: bearer, body: GroupChatBody, response: { 201: Chat, ...errorReplies(404) } } },
    async (request, reply) => reply.status(201).send(await createGroupChat(ctx, request.caller, request.body)));

  app.get('/users/me/chats', { schema: { tags, security: bearer, response: { 200: Type.Object({ chats: Type.Array(Chat) }), ...errorReplies() } } },
    async (request) => ({ chats: await listChats(ctx, request.caller) }));

  app.get('/chats/:id', { schema: { tags, security: bearer, params: IdParams, response: one } },
    async (request) => getChat(ctx, request.caller, request.params.id));

  app.patch('/chats/:id', { schema: { tags, security: bearer, params: IdParams, body: RenameChatBody, response: one } },
    async (request) => renameGroup(ctx, request.caller, request.params.id, request.body.name));

  app.post('/chats/:id/members', { schema: { tags, security: bearer, params: IdParams, body: AddMembersBody, response: one } },
    async (request) => addMembers(ctx, request.caller, request.params.id, request.body.userIds));

  app.delete('/chats/:id/members/:userId', { schema: { tags, security: bearer, params: MemberParams, response: { 204: Type.Null(), ...errorReplies(403, 404) } } },
    async (request, reply) => {
      await removeMember(ctx, request.caller, request.params.id, request.params.userId);
      return reply.status(204).send(null);
    });

  app.put('/chats/:id/members/:userId/role', { schema: { tags, security: bearer, params: MemberParams, body: RoleBody, response: one } },
    async (request) => setMemberRole(ctx, request.caller, request.params.id, request.params.userId, request.body.role));

  app.post('/chats/:id/leave', { schema: { tags, security: bearer, params: IdParams, response: { 204: Type.Null(), ...errorReplies(403, 404) } } },
    async (request, reply) => {
      await leaveChat(ctx, request.caller, request.params.id);
      return reply.status(204).send(null);
    });

  app.put('/chats/:id/mute', { schema: { tags, security: bearer, params: IdParams, body: MuteBody, response: one } },
    async (request) => setChatMute(ctx, request.caller, request.params.id, request.body.until));

  app.delete('/chats/:id/mute', { schema: { tags, security: bearer, params: IdParams, response: one } },
    async (request) => setChatMute(ctx, request.caller, request.params.id, null));
};
