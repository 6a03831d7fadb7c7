import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MessageReceipts, ReceiptCursors, SeqBody } from '@parley/protocol';
import type { Caller, Context } from '../../context.js';
import type { ReceiptStatus } from '../../receipts/applyReceipts.js';
import { loadMessageReceipts } from '../../receipts/loadMessageReceipts.js';
import { bearer, errorReplies, IdParams, MessageParams } from '../schemas.js';


/** REST receipts go through the same writer as the WebSocket `receipt` frame. */
export const receiptRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const tags = ['receipts'];
  const mark = { tags, security: bearer, params: IdParams, body: SeqBody, response: { 200: ReceiptCursors, ...errorReplies(403, 404) } };

  const markAs = (status: ReceiptStatus) => async (request: { caller: Caller; params: { id: string }; body: SeqBody }) => {
    const result = await ctx.receipts.mark({ caller: request.caller, chatId: request.params.id, seq: request.body.seq, status });
    if (!result.ok) throw result.error;
    return result.cursors;
  };

  app.post('/chats/:id/delivered', { schema: mark }, markAs('delivered'));
  app.post('/chats/:id/read', { schema: mark }, markAs('read'));

  app.get('/chats/:id/messages/:messageId/receipts', {
    schema: { tags, security: bearer, params: MessageParams, response: { 200: MessageReceipts, ...errorReplies(403, 404) } },
  }, async (request) => loadMessageReceipts(ctx, request.caller, request.params.id, request.params.messageId));
};
