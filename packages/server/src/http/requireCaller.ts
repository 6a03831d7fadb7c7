import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate } from '../accounts/authenticate.js';
import type { Caller, Context } from '../context.js';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
}

/**
 * Every route registered in `app` after this needs a valid access token. It runs at
 * preValidation, after the rate limiter's onRequest, so rejected floods cost no lookup.
 */
export function requireCaller(app: FastifyInstance, ctx: Context): void {
  app.decorateRequest('caller', undefined as unknown as Caller);
  app.addHook('preValidation', async (request: FastifyRequest) => {
    request.caller = await authenticate(ctx, bearerToken(request));
  });
}

/** The token of an `Authorization: Bearer …` header. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}
