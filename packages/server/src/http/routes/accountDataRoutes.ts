import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { AccountExport, DeleteAccountBody } from '@parley/protocol';
import type { Context } from '../../context.js';
import { exportAccount } from '../../accounts/exportAccount.js';
import { deleteAccount } from '../../accounts/deleteAccount.js';
import { bearerToken } from '../requireCaller.js';
import { bearer, errorReplies } from '../schemas.js';

/** "Your data" (docs/api.md): the account's export, and deleting it. */
export const accountDataRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const tags = ['users'];
  // The limiter runs before authentication: it counts by the token's user when the token is good,
  // so one user's exports are counted together across devices and IPs, else by IP.
  const byUser = (request: FastifyRequest): string => {
    const token = bearerToken(request);
    try {
      if (token) return `user:${ctx.tokens.verifyAccess(token).userId}`;
    } catch {
      // A bad token is refused by authentication; it is counted by IP meanwhile.
    }
    return `ip:${request.ip}`;
  };

  app.get('/users/me/export', {
    config: { rateLimit: { max: ctx.config.exportRatePerHour, timeWindow: 3_600_000, keyGenerator: byUser } },
    schema: {
      tags, security: bearer,
      description: 'Everything the server holds about you, as one JSON file (format `parley-export/1`), streamed.',
      response: { 200: AccountExport, ...errorReplies(429) },
    },
  }, async (request, reply) => {
    const { fileName, body } = await exportAccount(ctx, request.caller);
    body.on('error', (err) => request.log.error({ err }, 'data export failed while streaming'));
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="${fileName}"`)
      .header('cache-control', 'no-store')
      // A stream is sent as it is, never serialised: the schema describes it for the OpenAPI document.
      .send(body as unknown as AccountExport);
  });

  // The password is asked again, so the budget of a login applies.
  app.delete('/users/me', {
    config: { rateLimit: { max: ctx.config.authRatePerMin, timeWindow: 60_000, keyGenerator: byUser } },
    schema: { tags, security: bearer, body: DeleteAccountBody, response: { 204: Type.Null(), ...errorReplies(429) } },
  }, async (request, reply) => {
    await deleteAccount(ctx, request.caller, request.body);
    return reply.status(204).send(null);
  });
};
