import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import multipart from '@fastify/multipart';
import { MediaFile } from '@parley/protocol';
import type { Context } from '../../context.js';
import { AppError, invalid } from '../../errors.js';
import { uploadMedia } from '../../media/uploadMedia.js';
import { loadMediaForViewer } from '../../media/loadMediaForViewer.js';
import { presentMedia } from '../../media/presentMedia.js';
import { bearer, errorReplies, IdParams } from '../schemas.js';

/** Multipart framing around one file: boundaries, part headers, a few small fields. */
const MULTIPART_OVERHEAD = 64 * 1024;

/** Uploads stream through `uploadMedia` to the BlobStore; `GET /media/{id}` re-signs URLs for allowed viewers. */
export const mediaRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  const tags = ['media'];
  const largest = Math.max(ctx.config.mediaMaxBytes, ctx.config.mediaVideoMaxBytes);
  await app.register(multipart, { limits: { files: 1, fileSize: largest + 1, fields: 8, fieldSize: 1024, parts: 16, headerPairs: 200 } });

  app.post('/media/upload', {
    schema: {
      tags, security: bearer, consumes: ['multipart/form-data'],
      description: 'multipart/form-data with one file part (any field name). The type is sniffed from the bytes.',
      response: { 201: MediaFile, ...errorReplies(413) },
    },
    // Refuse what cannot fit before reading a byte of it.
    preHandler: async (request) => {
      if (Number(request.headers['content-length'] ?? 0) > largest + MULTIPART_OVERHEAD) {
        throw new AppError('payload_too_large', `file: uploads are limited to ${largest} bytes`);
      }
    },
  }, async (request, reply) => {
    if (!request.isMultipart()) throw invalid('body: send multipart/form-data with one file');
    const part = await request.file();
    if (!part) throw invalid('file: missing');
    const media = await uploadMedia(ctx, request.caller, part.file, { filename: part.filename, mimetype: part.mimetype });
    return reply.status(201).send(media);
  });

  app.get('/media/:id', {
    schema: { tags, security: bearer, params: IdParams, response: { 200: MediaFile, ...errorReplies(403, 404) } },
  }, async (request) => presentMedia(ctx.mediaUrls, await loadMediaForViewer(ctx.store.db, request.params.id, request.caller.userId)));
};
