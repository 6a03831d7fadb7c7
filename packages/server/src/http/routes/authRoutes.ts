import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { LoginBody, RefreshBody, RegisterBody, User } from '@parley/protocol';
import type { Context } from '../../context.js';
import { register } from '../../accounts/register.js';
import { login } from '../../accounts/login.js';
import { refresh } from '../../accounts/refresh.js';
import { ErrorReply } from '../schemas.js';

const Session = Type.Object({ user: User, accessToken: Type.String(), refreshToken: Type.String(), deviceId: Type.String() });
const Tokens = Type.Object({ accessToken: Type.String(), refreshToken: Type.String() });

/** The only routes without a bearer token, so they carry the stricter per-IP budget. */
export const authRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const rateLimit = { max: ctx.config.authRatePerMin, timeWindow: 60_000 };

  app.post('/auth/register', {
    config: { rateLimit },
    schema: { tags: ['auth'], body: RegisterBody, response: { 201: Session, 400: ErrorReply, 409: ErrorReply, 429: ErrorReply } },
  }, async (request, reply) => reply.status(201).send(await register(ctx, request.body)));

  app.post('/auth/login', {
    config: { rateLimit },
    schema: { tags: ['auth'], body: LoginBody, response: { 200: Session, 400: ErrorReply, 401: ErrorReply, 429: ErrorReply } },
  }, async (request) => login(ctx, request.body));

  app.post('/auth/refresh', {
    config: { rateLimit },
    schema: { tags: ['auth'], body: RefreshBody, response: { 200: Tokens, 400: ErrorReply, 401: ErrorReply, 429: ErrorReply } },
  }, async (request) => refresh(ctx, request.body.refreshToken));
};
