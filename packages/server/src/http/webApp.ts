import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';

/** packages/web/dist, from src/http (tests) and dist/http (`npm start`) alike. */
const WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));
/** Paths the server owns: an unknown one stays a JSON 404, never the app's page. */
const SERVER_PATHS = /^\/(api|healthz|metrics)(\/|\?|$)/;

/**
 * Serves the built web app at `/`: hashed assets cached for good, index.html and the service
 * worker revalidated on every load, and index.html for any other GET (the app's own routes).
 * Without a build (`npm run build` not run yet) the server runs as an API only.
 */
export async function webApp(app: FastifyInstance): Promise<void> {
  if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
    app.log.warn({ dir: WEB_DIST }, 'web app not built (run npm run build); serving the API only');
    return;
  }
  await app.register(fastifyStatic, {
    root: WEB_DIST,
    wildcard: false,
    index: false,
    setHeaders: (res, file) => {
      const hashed = path.relative(WEB_DIST, file).startsWith(`assets${path.sep}`);
      res.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const page = (reply: FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html');
  app.get('/', { schema: { hide: true } }, (_request, reply) => page(reply));
  app.get('/*', { schema: { hide: true } }, (request, reply) => (SERVER_PATHS.test(request.url) ? reply.callNotFound() : page(reply)));
}
