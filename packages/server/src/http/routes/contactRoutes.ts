import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Contact, ContactBody } from '@parley/protocol';
import type { Context } from '../../context.js';
import { acceptContact, addContact, blockUser, listContacts, removeContact, unblockUser } from '../../contacts/contacts.js';
import { bearer, errorReplies, UserIdParams } from '../schemas.js';

export const contactRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const tags = ['contacts'];
  const one = { 200: Contact, ...errorReplies(403, 404, 409) };

  app.get('/contacts', { schema: { tags, security: bearer, response: { 200: Type.Object({ contacts: Type.Array(Contact) }), ...errorReplies() } } },
    async (request) => ({ contacts: await listContacts(ctx, request.caller) }));

  app.post('/contacts', { schema: { tags, security: bearer, body: ContactBody, response: one } },
    async (request) => addContact(ctx, request.caller, request.body.userId));

  app.post('/contacts/:userId/accept', { schema: { tags, security: bearer, params: UserIdParams, response: one } },
    async (request) => acceptContact(ctx, request.caller, request.params.userId));

  app.delete('/contacts/:userId', { schema: { tags, security: bearer, params: UserIdParams, response: { 204: Type.Null(), ...errorReplies(404) } } },
    async (request, reply) => {
      await removeContact(ctx, request.caller, request.params.userId);
      return reply.status(204).send(null);
    });

  app.post('/contacts/:userId/block', { schema: { tags, security: bearer, params: UserIdParams, response: one } },
    async (request) => blockUser(ctx, request.caller, request.params.userId));

  app.delete('/contacts/:userId/block', { schema: { tags, security: bearer, params: UserIdParams, response: { 204: Type.Null(), ...errorReplies(404) } } },
    async (request, reply) => {
      await unblockUser(ctx, request.caller, request.params.userId);
      return reply.status(204).send(null);
    });
};
