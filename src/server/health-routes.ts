// Liveness and readiness for load balancers and orchestrators; no authentication.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { healthStatus, unavailableStatus } from '../shared/server-status.ts';

/** /readyz answers within about this long, however the database behaves. */
export const READINESS_TIMEOUT_MS = 1_500;

const tags = ['Server'];

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/healthz',
    { schema: { tags, summary: 'Liveness', description: 'The process answers.', response: { 200: healthStatus } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags,
        summary: 'Readiness',
        description: 'The database answers within 1.5 s and the server is not stopping.',
        response: { 200: healthStatus, 503: unavailableStatus },
      },
    },
    async (request, reply) => {
      // Stopping: the load balancer must send elsewhere, whatever the database says.
      if (app.drain.draining) return reply.status(503).send({ status: 'unavailable' });
      try {
        await app.database.ping(READINESS_TIMEOUT_MS);
        return { status: 'ok' as const };
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed');
        return reply.status(503).send({ status: 'unavailable' });
      }
    },
  );
};
