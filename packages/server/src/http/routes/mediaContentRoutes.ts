import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Context } from '../../context.js';
import { notFound } from '../../errors.js';
import type { ByteRange } from '../../media/BlobStore.js';
import { errorReplies } from '../schemas.js';

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }), variant: Type.Union([Type.Literal('file'), Type.Literal('thumb')]) });
const Query = Type.Object({ exp: Type.Integer({ minimum: 0 }), sig: Type.String({ minLength: 1, maxLength: 128 }) });
const INLINE_KINDS = new Set(['image', 'video', 'audio']);

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n`; anything else (several ranges) is answered in full. */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

/**
 * Media bytes behind signed, expiring URLs (no bearer token, so `<img>` and `<video>` can load
 * them). Range requests are answered with 206 so video and audio can seek.
 */
export const mediaContentRoutes: FastifyPluginAsyncTypebox<{ ctx: Context }> = async (app, { ctx }) => {
  app.get('/media/:id/:variant', {
    schema: { tags: ['media'], params: Params, querystring: Query, description: 'The URL comes signed in MediaFile.url / thumbUrl.', response: errorReplies(403, 404) },
  }, async (request, reply) => {
    const { id, variant } = request.params;
    ctx.mediaUrls.verify(id, variant, request.query.exp, request.query.sig);
    const media = await ctx.store.db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst();
    const key = variant === 'file' ? media?.blob_key : media?.thumb_key;
    if (!media || !key) throw notFound('media');
    // The thumbnail's size is not recorded; it is small, so it is sent whole.
    const size = variant === 'file' ? Number(media.size) : undefined;
    const range = size === undefined ? undefined : parseRange(request.headers.range, size);
    if (range === 'unsatisfiable') {
      return reply.status(416).header('content-range', `bytes */${size}`)
        .send({ error: { code: 'invalid_request', message: `range: outside the file's ${size} bytes` } });
    }
    void reply
      .header('content-type', variant === 'file' ? media.mime : 'image/webp')
      .header('etag', `"${media.sha256}${variant === 'thumb' ? '-thumb' : ''}"`)
      .header('cache-control', `private, max-age=${Math.max(0, request.query.exp - Math.floor(Date.now() / 1000))}`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('content-disposition', disposition(variant === 'thumb' || INLINE_KINDS.has(media.kind), media.name));
    if (size !== undefined) void reply.header('accept-ranges', 'bytes');
    const body = await ctx.blobs.read(key, range);
    if (range) {
      return reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`).header('content-length', range.end - range.start + 1).send(body);
    }
    if (size !== undefined) void reply.header('content-length', size);
    return reply.send(body);
  });
};

function disposition(inline: boolean, name: string | null): string {
  const type = inline ? 'inline' : 'attachment';
  if (!name) return type;
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/[\\"]/g, '_');
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
