import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Presence, Privacy, PrivacyBody, StatusBody } from '@parley/protocol';
import type { Context } from '../../context.js';
import { invalid } from '../../errors.js';
import { bearer, errorReplies, IdParams } from '../schemas.js';

/** What fits in Node's 16 KiB limit for the request line and headers, with UUIDs and a bearer token. */
export const PRESENCE_BATCH_MAX = 400;

const PresenceQuery = Type.Object({
  userIds: Type.String({ minLength: 1, maxLength: PRESENCE_BATCH_MAX * 65, description: `comma-separated user ids, at most ${PRESENCE_BATCH_MAX}` }),
});

function checkUserIds(list: string): string[] {
  const ids = [...new Set(list.split(',').map((id) => id.trim()).filter(Boolean))];
  if (ids.length === 0) throw invalid('userIds: give at least one user id');
  if (ids.length > PRESENCE_BATCH_MAX) throw invalid(`userIds: at most ${PRESENCE_BATCH_MAX} ids`);
  if (ids.some((id) => id.length > 64)) throw invalid('userIds: an id is at most 64 characters');
  return ids;
}

/** Presence as the caller may see it (the subject's privacy decides), and the caller's own status and privacy. */
export const presenceRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const tags = ['presence'];

  app.put('/users/me/status', {
    schema: { tags, security: bearer, body: StatusBody, response: { 200: StatusBody, ...errorReplies() } },
  }, async (request) => ({ status: await ctx.presence.setStatus(request.caller.userId, request.body.status) }));

  app.get('/users/:id/presence', { schema: { tags, security: bearer, params: IdParams, response: { 200: Presence, ...errorReplies(404) } } },
    async (request) => ctx.presence.presenceOf(request.caller.userId, request.params.id));

  app.get('/presence', {
    schema: { tags, security: bearer, querystring: PresenceQuery, response: { 200: Type.Object({ presence: Type.Array(Presence) }), ...errorReplies() } },
  }, async (request) => ({ presence: await ctx.presence.presenceFor(request.caller.userId, checkUserIds(request.query.userIds)) }));

  app.get('/users/me/privacy', { schema: { tags, security: bearer, response: { 200: Privacy, ...errorReplies() } } },
    async (request) => ctx.presence.getPrivacy(request.caller.userId));

  app.put('/users/me/privacy', { schema: { tags, security: bearer, body: PrivacyBody, response: { 200: Privacy, ...errorReplies() } } },
    async (request) => ctx.presence.setPrivacy(request.caller.userId, request.body));
};
