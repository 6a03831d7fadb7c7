import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { PROTOCOL_VERSION } from '@parley/protocol';

/** The REST API's OpenAPI document at /api/openapi.json and a browsable page at /api/docs. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Parley API',
        version: `v1 (protocol ${PROTOCOL_VERSION})`,
        description: 'REST API of Parley. Real-time messaging is on the WebSocket at /api/v1/ws/chat; where WebSockets are blocked, on GET /events (Server-Sent Events) or POST /poll (long polling), with the frames sent over REST. See docs/api.md.',
      },
      servers: [{ url: '/api/v1' }],
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
    // Paths are documented relative to the /api/v1 server above.
    transform: ({ schema, url }) => ({ schema, url: url.replace(/^\/api\/v1/, '') }),
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
