import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Device, Profile, ProfileUpdateBody, User } from '@parley/protocol';
import type { Context } from '../../context.js';
import { getProfile, searchUsers, updateProfile } from '../../accounts/profile.js';
import { logout } from '../../accounts/logout.js';
import { listDevices, revokeOwnDevice } from '../../accounts/devices.js';
import { presentUser } from '../../accounts/presentUser.js';
import { bearer, errorReplies, IdParams } from '../schemas.js';

export const userRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const tags = ['users'];

  app.post('/auth/logout', { schema: { tags: ['auth'], security: bearer, response: { 204: Type.Null(), ...errorReplies() } } },
    async (request, reply) => {
      await logout(ctx, request.caller);
      return reply.status(204).send(null);
    });

  app.get('/users/me', { schema: { tags, security: bearer, response: { 200: Profile, ...errorReplies(404) } } },
    async (request) => getProfile(ctx, request.caller.userId));

  app.patch('/users/me', { schema: { tags, security: bearer, body: ProfileUpdateBody, response: { 200: Profile, ...errorReplies() } } },
    async (request) => updateProfile(ctx, request.caller, request.body));

  app.get('/users/:id/profile', { schema: { tags, security: bearer, params: IdParams, response: { 200: Profile, ...errorReplies(404) } } },
    async (request) => getProfile(ctx, request.params.id));

  app.get('/users', {
    schema: { tags, security: bearer, querystring: Type.Object({ search: Type.String({ minLength: 1, maxLength: 32 }) }),
      response: { 200: Type.Object({ users: Type.Array(User) }), ...errorReplies() } },
  }, async (request) => ({ users: (await searchUsers(ctx, request.query.search)).map(presentUser) }));

  app.get('/users/me/devices', { schema: { tags, security: bearer, response: { 200: Type.Object({ devices: Type.Array(Device) }), ...errorReplies() } } },
    async (request) => ({ devices: await listDevices(ctx, request.caller) }));

  app.delete('/users/me/devices/:id', { schema: { tags, security: bearer, params: IdParams, response: { 204: Type.Null(), ...errorReplies(404) } } },
    async (request, reply) => {
      await revokeOwnDevice(ctx, request.caller, request.params.id);
      return reply.status(204).send(null);
    });
};
