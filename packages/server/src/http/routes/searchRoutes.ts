import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { SearchHit, SearchQuery } from '@parley/protocol';
import type { Context } from '../../context.js';
import { searchMessages } from '../../messages/searchMessages.js';
import { bearer, errorReplies } from '../schemas.js';

export const searchRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  app.get('/search', {
    schema: {
      tags: ['messages'], security: bearer, querystring: SearchQuery,
      response: { 200: Type.Object({ results: Type.Array(SearchHit), nextCursor: Type.Optional(Type.String()) }), ...errorReplies(403, 404) },
    },
  }, async (request) => searchMessages(ctx, request.caller, request.query));
};
