import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PollBody, PollReply } from '@parley/protocol';
import type { PollMailboxes } from '../../gateway/PollMailboxes.js';
import { bearer, errorReplies } from '../schemas.js';

/** `POST /poll`: long polling, for networks where neither WebSockets nor SSE get through. */
export const pollRoutes: FastifyPluginAsyncTypebox<{ mailboxes: PollMailboxes }> = async (app, { mailboxes }) => {
  app.post('/poll', {
    schema: { tags: ['realtime'], security: bearer, body: PollBody, response: { 200: PollReply, ...errorReplies() } },
  }, async (request, reply) => {
    const abandoned = new AbortController();
    reply.raw.once('close', () => abandoned.abort());
    return mailboxes.poll(request.caller, request.body, abandoned.signal);
  });
};
