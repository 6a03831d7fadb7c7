import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate } from '../accounts/authenticate.js';
import { RecentDevices } from '../accounts/RecentDevices.js';
import type { Caller, Context } from '../context.js';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
}

/**
 * Every route registered in `app` after this needs a valid access token. It runs at
 * preValidation, after the rate limiter's onRequest, so rejected floods cost no lookup.
 * A device found valid is remembered for a moment (RecentDevices); WebSocket and SSE
 * authentication happen once a connection and always look it up.
 */
export function requireCaller(app: FastifyInstance, ctx: Context): void {
  const recent = new RecentDevices(ctx.bus);
  app.decorateRequest('caller', undefined as unknown as Caller);
  app.addHook('preValidation', async (request: FastifyRequest) => {
    request.caller = await authenticate(ctx, bearerToken(request), recent);
  });
}

/** The token of an `Authorization: Bearer …` header. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}
