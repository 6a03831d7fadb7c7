import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { PushConfig, PushSubscription, PushSubscriptionBody } from '@parley/protocol';
import type { Context } from '../../context.js';
import { getPushSubscription, removePushSubscription, setPushSubscription } from '../../notifications/pushSubscriptions.js';
import { bearer, errorReplies } from '../schemas.js';

/** Web Push: the server's key, and the calling device's subscription (docs/notifications.md). */
export const pushRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const tags = ['notifications'];

  app.get('/push/config', { schema: { tags, security: bearer, response: { 200: PushConfig, ...errorReplies() } } },
    async () => ({ publicKey: ctx.push.publicKey }));

  app.get('/users/me/push-subscription', { schema: { tags, security: bearer, response: { 200: PushSubscription, ...errorReplies(404) } } },
    async (request) => getPushSubscription(ctx, request.caller));

  app.put('/users/me/push-subscription', {
    schema: { tags, security: bearer, body: PushSubscriptionBody, response: { 200: PushSubscription, ...errorReplies() } },
  }, async (request) => setPushSubscription(ctx, request.caller, request.body));

  app.delete('/users/me/push-subscription', { schema: { tags, security: bearer, response: { 204: Type.Null(), ...errorReplies() } } },
    async (request, reply) => {
      await removePushSubscription(ctx, request.caller);
      return reply.status(204).send(null);
    });
};
